import Foundation
import NIOCore
import SignalRoomPipelines

/// One dataset's PostgreSQL schema. Rows reach the stage table by COPY; a load is applied
/// with one `INSERT … SELECT` (an upsert for merge) inside the transaction that also
/// writes the cursor and the ledger.
final class PostgresDatasetConnection: DatasetConnection, @unchecked Sendable {
    let dataset: String
    private let session: PostgresSession

    init(dataset: String, session: PostgresSession) {
        self.dataset = dataset
        self.session = session
    }

    private func qualified(_ table: String) -> String { SQLIdentifier.quote(dataset, table) }

    func prepare() async throws {
        // Two first loads at once may both try to create the schema; the loser's error is
        // harmless, so creation is retried once.
        for attempt in 1...2 {
            do {
                // One statement per query: the extended protocol takes no statement lists.
                let statements = [
                    "CREATE SCHEMA IF NOT EXISTS \(SQLIdentifier.quote(dataset))",
                    """
                    CREATE TABLE IF NOT EXISTS \(qualified("_signalroom_loads")) (
                      "load_id" text PRIMARY KEY, "pipeline" text NOT NULL, "resource" text NOT NULL,
                      "table_name" text NOT NULL, "disposition" text NOT NULL, "primary_key" text NOT NULL,
                      "status" text NOT NULL, "rows" bigint NOT NULL, "started" timestamptz NOT NULL, "finished" timestamptz,
                      "resume_token" text, "pending_cursor" text, "load_schema" jsonb NOT NULL, "error" text)
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS \(qualified("_signalroom_state")) (
                      "pipeline" text NOT NULL, "resource" text NOT NULL, "cursor_field" text NOT NULL,
                      "cursor_value" text NOT NULL, "load_id" text NOT NULL, "updated" timestamptz NOT NULL,
                      PRIMARY KEY ("pipeline", "resource"))
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS \(qualified("_signalroom_columns")) (
                      "table_name" text NOT NULL, "column_name" text NOT NULL, "field_name" text NOT NULL,
                      "data_type" text NOT NULL, "ordinal" integer NOT NULL, PRIMARY KEY ("table_name", "column_name"))
                    """,
                ]
                for statement in statements {
                    try await session.query(statement, label: "creating dataset \(dataset)")
                }
                return
            } catch let error as WarehouseError where attempt == 1 {
                if case .statementFailed = error { continue }
                throw error
            }
        }
    }

    private func tableExists(_ table: String) async throws -> Bool {
        let rows = try await session.query("SELECT (to_regclass($1) IS NOT NULL)::text", [.text(qualified(table))])
        return rows.first?.first == "true"
    }

    func tableSchema(_ table: String) async throws -> TableSchema? {
        guard try await tableExists(table) else { return nil }
        let rows = try await session.query("""
            SELECT "column_name", "field_name", "data_type" FROM \(qualified("_signalroom_columns"))
            WHERE "table_name" = $1 ORDER BY "ordinal"
            """, [.text(table)])
        return TableSchema(table: table, columns: rows.map { row in
            ColumnDefinition(name: row[0] ?? "", type: ColumnType(rawValue: row[2] ?? "") ?? .text, field: row[1] ?? "")
        })
    }

    func cursor(pipeline: String, resource: String) async throws -> String? {
        try await session.query("""
            SELECT "cursor_value" FROM \(qualified("_signalroom_state")) WHERE "pipeline" = $1 AND "resource" = $2
            """, [.text(pipeline), .text(resource)]).first?.first ?? nil
    }

    private static let ledgerColumns = """
        "load_id", "pipeline", "resource", "table_name", "disposition", "primary_key", "status", "rows"::text,
        "started"::text, "finished"::text, "resume_token", "pending_cursor", "load_schema"::text, "error"
        """

    private static func record(_ row: [String?]) throws -> LoadRecord {
        LoadRecord(loadId: row[0] ?? "", pipeline: row[1] ?? "", resource: row[2] ?? "", table: row[3] ?? "",
                   disposition: LedgerRow.disposition(name: row[4] ?? "", primaryKey: row[5] ?? ""),
                   status: LoadRecord.Status(rawValue: row[6] ?? "") ?? .running, rows: Int(row[7] ?? "") ?? 0,
                   started: row[8] ?? "", finished: row[9], resumeToken: row[10], pendingCursor: row[11],
                   schema: try LedgerRow.schema(from: row[12] ?? "{}"), error: row[13])
    }

    func loadRecord(id: String) async throws -> LoadRecord? {
        try await session.query("""
            SELECT \(Self.ledgerColumns) FROM \(qualified("_signalroom_loads")) WHERE "load_id" = $1
            """, [.text(id)]).first.map(Self.record)
    }

    func unfinishedLoads(pipeline: String, resource: String) async throws -> [LoadRecord] {
        try await session.query("""
            SELECT \(Self.ledgerColumns) FROM \(qualified("_signalroom_loads"))
            WHERE "pipeline" = $1 AND "resource" = $2 AND "status" IN ('running', 'failed_resumable') ORDER BY "started"
            """, [.text(pipeline), .text(resource)]).map(Self.record)
    }

    func begin(_ load: LoadRecord) async throws {
        try await session.transaction {
            try await session.query("""
                INSERT INTO \(qualified("_signalroom_loads")) ("load_id", "pipeline", "resource", "table_name", "disposition",
                  "primary_key", "status", "rows", "started", "load_schema") VALUES ($1, $2, $3, $4, $5, $6, 'running', 0, $7::timestamptz, $8::jsonb)
                """, [.text(load.loadId), .text(load.pipeline), .text(load.resource), .text(load.table), .text(load.disposition.name),
                      .text(load.disposition.primaryKey.joined(separator: ",")), .text(load.started),
                      .text(try LedgerRow.schemaText(load.schema))], label: "recording load \(load.loadId)")
            let columns = load.schema.columns.map { "\(SQLIdentifier.quote($0.name)) \($0.type.postgresType), " }.joined()
            try await session.query("CREATE TABLE \(qualified(load.stageTable)) (\(columns)\"_signalroom_seq\" bigserial)",
                                    label: "creating stage table \(load.stageTable)")
        }
    }

    func stage(_ chunk: StagedChunk) async throws {
        try await session.transaction {
            let stage = qualified(chunk.load.stageTable)
            for change in chunk.changes {
                switch change {
                case .addColumn(let column):
                    try await session.query("ALTER TABLE \(stage) ADD COLUMN \(SQLIdentifier.quote(column.name)) \(column.type.postgresType)")
                case .widenColumn(let name, let from, let to):
                    let column = SQLIdentifier.quote(name)
                    try await session.query("ALTER TABLE \(stage) ALTER COLUMN \(column) TYPE \(to.postgresType) USING \(from.postgresConversion(of: column, to: to))")
                }
            }
            try await session.query("SET LOCAL search_path TO \(SQLIdentifier.quote(dataset))")
            let columnCount = chunk.columns.count
            try await session.copy(into: chunk.load.stageTable, columns: chunk.columns) { writer in
                var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
                for row in chunk.rows {
                    PostgresCopyEncoder.append(row, columns: columnCount, to: &buffer)
                    if buffer.readableBytes >= 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
            try await session.query("""
                UPDATE \(qualified("_signalroom_loads")) SET "rows" = $1, "resume_token" = $2, "pending_cursor" = $3, "load_schema" = $4::jsonb
                WHERE "load_id" = $5
                """, [.int(chunk.load.rows), .text(chunk.load.resumeToken), .text(chunk.load.pendingCursor),
                      .text(try LedgerRow.schemaText(chunk.load.schema)), .text(chunk.load.loadId)])
        }
    }

    func complete(_ load: LoadRecord, cursor: CursorValue?) async throws {
        try await session.transaction {
            let current = try await tableSchema(load.table)
            var wide: Set<String> = []
            for column in SchemaEvolution.columnsWideningToDouble(table: current, load: load.schema)
            where try await hasIntegersBeyondDoublePrecision(table: load.table, column: column) {
                wide.insert(column)
            }
            let (result, changes) = SchemaEvolution.plan(table: current, load: load.schema, wideIntegerColumns: wide)
            let target = qualified(load.table)
            if current == nil {
                let definitions = result.columns.map { "\(SQLIdentifier.quote($0.name)) \($0.type.postgresType)" } + ["\"_load_id\" text"]
                try await session.query("CREATE TABLE \(target) (\(definitions.joined(separator: ", ")))")
            } else {
                for change in changes {
                    switch change {
                    case .addColumn(let column):
                        try await session.query("ALTER TABLE \(target) ADD COLUMN \(SQLIdentifier.quote(column.name)) \(column.type.postgresType)")
                    case .widenColumn(let name, let from, let to):
                        let column = SQLIdentifier.quote(name)
                        try await session.query("ALTER TABLE \(target) ALTER COLUMN \(column) TYPE \(to.postgresType) USING \(from.postgresConversion(of: column, to: to))")
                    }
                }
            }
            let names = load.schema.columns.map(\.name)
            let selected = load.schema.columns.map { column in
                let type = result.columns.first { $0.name == column.name }?.type ?? column.type
                return column.type.postgresConversion(of: SQLIdentifier.quote(column.name), to: type)
            }
            var sql = "INSERT INTO \(target) (\(SQLIdentifier.list(names + ["_load_id"]))) SELECT "
            var indexAfterInsert: String? = nil
            // Sorting the stage for DISTINCT ON and index builds run in server memory, not on disk.
            try await session.query("SET LOCAL work_mem = '256MB'")
            try await session.query("SET LOCAL maintenance_work_mem = '256MB'")
            switch load.disposition {
            case .merge(let key):
                let index = "CREATE UNIQUE INDEX IF NOT EXISTS \(SQLIdentifier.quote(load.table + "__key")) ON \(target) (\(SQLIdentifier.list(key)))"
                // DISTINCT ON keeps the last staged row of each key: an upsert may not touch a row twice.
                sql += "DISTINCT ON (\(SQLIdentifier.list(key))) \((selected + ["$1"]).joined(separator: ", ")) FROM \(qualified(load.stageTable))"
                sql += " ORDER BY \(SQLIdentifier.list(key)), \"_signalroom_seq\" DESC"
                if current == nil {
                    // A table created by this load is empty: insert, then build the key
                    // index in one pass, which is much faster than maintaining it per row.
                    indexAfterInsert = index
                } else {
                    try await session.query(index)
                    sql += " ON CONFLICT (\(SQLIdentifier.list(key))) DO "
                    let updates = (names + ["_load_id"]).filter { !key.contains($0) }
                        .map { "\(SQLIdentifier.quote($0)) = excluded.\(SQLIdentifier.quote($0))" }
                    sql += updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", ")
                }
            case .replace:
                try await session.query("DELETE FROM \(target)")
                sql += "\((selected + ["$1"]).joined(separator: ", ")) FROM \(qualified(load.stageTable)) ORDER BY \"_signalroom_seq\""
            case .append:
                sql += "\((selected + ["$1"]).joined(separator: ", ")) FROM \(qualified(load.stageTable)) ORDER BY \"_signalroom_seq\""
            }
            try await session.query(sql, [.text(load.loadId)], label: "applying load \(load.loadId) to \(dataset).\(load.table)")
            if let indexAfterInsert { try await session.query(indexAfterInsert) }
            try await session.query("DELETE FROM \(qualified("_signalroom_columns")) WHERE \"table_name\" = $1", [.text(load.table)])
            for (ordinal, column) in result.columns.enumerated() {
                try await session.query("""
                    INSERT INTO \(qualified("_signalroom_columns")) ("table_name", "column_name", "field_name", "data_type", "ordinal")
                    VALUES ($1, $2, $3, $4, $5)
                    """, [.text(load.table), .text(column.name), .text(column.field), .text(column.type.rawValue), .int(ordinal)])
            }
            if let cursor {
                try await session.query("""
                    INSERT INTO \(qualified("_signalroom_state")) ("pipeline", "resource", "cursor_field", "cursor_value", "load_id", "updated")
                    VALUES ($1, $2, $3, $4, $5, $6::timestamptz) ON CONFLICT ("pipeline", "resource") DO UPDATE SET
                      "cursor_field" = excluded."cursor_field", "cursor_value" = excluded."cursor_value",
                      "load_id" = excluded."load_id", "updated" = excluded."updated"
                    """, [.text(load.pipeline), .text(load.resource), .text(cursor.field), .text(cursor.value), .text(load.loadId),
                          .text(load.finished ?? load.started)])
            }
            try await session.query("""
                UPDATE \(qualified("_signalroom_loads")) SET "status" = 'completed', "rows" = $1, "finished" = $2::timestamptz,
                  "load_schema" = $3::jsonb WHERE "load_id" = $4
                """, [.int(load.rows), .text(load.finished), .text(try LedgerRow.schemaText(load.schema)), .text(load.loadId)])
            try await session.query("DROP TABLE IF EXISTS \(qualified(load.stageTable))")
        }
    }

    func mark(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws {
        try await session.query("""
            UPDATE \(qualified("_signalroom_loads"))
            SET "status" = $1, "finished" = CASE WHEN $1 = 'running' THEN NULL ELSE now() END, "error" = $2 WHERE "load_id" = $3
            """, [.text(status.rawValue), .text(error), .text(load.loadId)])
    }

    func discard(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws {
        try await session.transaction {
            try await session.query("""
                UPDATE \(qualified("_signalroom_loads")) SET "status" = $1, "finished" = now(), "error" = $2 WHERE "load_id" = $3
                """, [.text(status.rawValue), .text(error), .text(load.loadId)])
            try await session.query("DROP TABLE IF EXISTS \(qualified(load.stageTable))")
        }
    }

    func hasIntegersBeyondDoublePrecision(table: String, column: String) async throws -> Bool {
        guard try await tableExists(table) else { return false }
        let rows = try await session.query("""
            SELECT EXISTS (SELECT 1 FROM \(qualified(table)) WHERE abs(\(SQLIdentifier.quote(column))) > 9007199254740992)::text
            """)
        return rows.first?.first == "true"
    }

    func rowCount(table: String) async throws -> Int {
        guard try await tableExists(table) else { return 0 }
        return Int(try await session.query("SELECT count(*)::text FROM \(qualified(table))").first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    func describe(pipeline: String) async throws -> DatasetDescription {
        let names = try await session.query("""
            SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE '\\_signalroom%'
            ORDER BY table_name
            """, [.text(dataset)]).compactMap { $0.first ?? nil }
        var tables: [DatasetDescription.Table] = []
        for name in names {
            let columns = try await session.query("""
                SELECT count(*)::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
                """, [.text(dataset), .text(name)]).first?.first.flatMap { $0 }
            tables.append(.init(name: name, rows: try await rowCount(table: name), columns: Int(columns ?? "0") ?? 0))
        }
        let cursors = try await session.query("""
            SELECT "resource", "cursor_field", "cursor_value", "load_id", "updated"::text FROM \(qualified("_signalroom_state"))
            WHERE "pipeline" = $1 ORDER BY "resource"
            """, [.text(pipeline)]).map { row in
            DatasetDescription.Cursor(resource: row[0] ?? "", field: row[1] ?? "", value: row[2] ?? "", loadId: row[3] ?? "", updated: row[4] ?? "")
        }
        let loads = try await session.query("""
            SELECT \(Self.ledgerColumns) FROM \(qualified("_signalroom_loads")) WHERE "pipeline" = $1 ORDER BY "started" DESC LIMIT 20
            """, [.text(pipeline)]).map(Self.record).map { load in
            DatasetDescription.Load(loadId: load.loadId, resource: load.resource, table: load.table, status: load.status.rawValue,
                                    rows: load.rows, started: load.started, finished: load.finished, error: load.error)
        }
        return DatasetDescription(dataset: dataset, tables: tables, cursors: cursors, loads: loads)
    }

    func close() async {
        await session.close()
    }
}

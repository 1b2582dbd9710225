import Foundation
import GRDB
import SignalRoomPipelines

/// One dataset's SQLite database, ATTACHed to an in-memory main database under the
/// dataset's name. WAL journal with `synchronous=NORMAL`: a killed process loses nothing
/// committed; a power cut may lose the last commits, but rows, cursor and ledger always
/// together since they share one file and one transaction.
final class SQLiteDatasetConnection: DatasetConnection, @unchecked Sendable {
    let dataset: String
    let path: String
    private let queue: DatabaseQueue

    init(dataset: String, path: String) throws {
        self.dataset = dataset
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        let name = SQLIdentifier.quote(dataset)
        configuration.prepareDatabase { db in
            try db.execute(sql: "ATTACH DATABASE ? AS \(name)", arguments: [path])
        }
        do {
            queue = try DatabaseQueue(configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA \(name).journal_mode=WAL")
                try db.execute(sql: "PRAGMA \(name).synchronous=NORMAL")
                try db.execute(sql: "PRAGMA \(name).cache_size=-32768")
            }
        } catch {
            throw WarehouseError.sqliteFailed(path: path, reason: "\(error)")
        }
    }

    private func qualified(_ table: String) -> String { SQLIdentifier.quote(dataset, table) }

    func prepare() async throws {
        try await write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS \(self.qualified("_signalroom_loads")) (
                  "load_id" TEXT PRIMARY KEY, "pipeline" TEXT NOT NULL, "resource" TEXT NOT NULL,
                  "table_name" TEXT NOT NULL, "disposition" TEXT NOT NULL, "primary_key" TEXT NOT NULL,
                  "status" TEXT NOT NULL, "rows" BIGINT NOT NULL, "started" TIMESTAMP NOT NULL, "finished" TIMESTAMP,
                  "resume_token" TEXT, "pending_cursor" TEXT, "load_schema" JSON NOT NULL, "error" TEXT);
                CREATE TABLE IF NOT EXISTS \(self.qualified("_signalroom_state")) (
                  "pipeline" TEXT NOT NULL, "resource" TEXT NOT NULL, "cursor_field" TEXT NOT NULL,
                  "cursor_value" TEXT NOT NULL, "load_id" TEXT NOT NULL, "updated" TIMESTAMP NOT NULL,
                  PRIMARY KEY ("pipeline", "resource"));
                CREATE TABLE IF NOT EXISTS \(self.qualified("_signalroom_columns")) (
                  "table_name" TEXT NOT NULL, "column_name" TEXT NOT NULL, "field_name" TEXT NOT NULL,
                  "data_type" TEXT NOT NULL, "ordinal" INTEGER NOT NULL, PRIMARY KEY ("table_name", "column_name"));
                """)
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.write(body)
        } catch let error as DatabaseError {
            throw WarehouseError.sqliteFailed(path: path, reason: error.message ?? "\(error)")
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.read(body)
        } catch let error as DatabaseError {
            throw WarehouseError.sqliteFailed(path: path, reason: error.message ?? "\(error)")
        }
    }

    private func tableExists(_ db: Database, _ table: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM \(SQLIdentifier.quote(dataset)).sqlite_master WHERE type = 'table' AND name = ?",
                          arguments: [table]) ?? false
    }

    private func schema(_ db: Database, _ table: String) throws -> TableSchema? {
        guard try tableExists(db, table) else { return nil }
        let rows = try Row.fetchAll(db, sql: """
            SELECT "column_name", "field_name", "data_type" FROM \(qualified("_signalroom_columns"))
            WHERE "table_name" = ? ORDER BY "ordinal"
            """, arguments: [table])
        return TableSchema(table: table, columns: rows.map { row in
            ColumnDefinition(name: row[0], type: ColumnType(rawValue: row[2]) ?? .text, field: row[1])
        })
    }

    func tableSchema(_ table: String) async throws -> TableSchema? {
        try await read { db in try self.schema(db, table) }
    }

    func cursor(pipeline: String, resource: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT \"cursor_value\" FROM \(self.qualified("_signalroom_state")) WHERE \"pipeline\" = ? AND \"resource\" = ?",
                                arguments: [pipeline, resource])
        }
    }

    func loadRecord(id: String) async throws -> LoadRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM \(self.qualified("_signalroom_loads")) WHERE \"load_id\" = ?", arguments: [id])
                .map(LedgerRow.record(from:))
        }
    }

    func unfinishedLoads(pipeline: String, resource: String) async throws -> [LoadRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM \(self.qualified("_signalroom_loads"))
                WHERE "pipeline" = ? AND "resource" = ? AND "status" IN ('running', 'failed_resumable') ORDER BY "started"
                """, arguments: [pipeline, resource]).map(LedgerRow.record(from:))
        }
    }

    func begin(_ load: LoadRecord) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO \(self.qualified("_signalroom_loads")) ("load_id", "pipeline", "resource", "table_name", "disposition",
                  "primary_key", "status", "rows", "started", "load_schema") VALUES (?, ?, ?, ?, ?, ?, 'running', 0, ?, ?)
                """, arguments: [load.loadId, load.pipeline, load.resource, load.table, load.disposition.name,
                                 load.disposition.primaryKey.joined(separator: ","), load.started, try LedgerRow.schemaText(load.schema)])
            let columns = load.schema.columns.map { SQLIdentifier.quote($0.name) + ", " }.joined()
            try db.execute(sql: "CREATE TABLE \(self.qualified(load.stageTable)) (\(columns)\"_signalroom_seq\" INTEGER PRIMARY KEY)")
        }
    }

    func stage(_ chunk: StagedChunk) async throws {
        try await write { db in
            let stage = self.qualified(chunk.load.stageTable)
            for change in chunk.changes {
                switch change {
                case .addColumn(let column):
                    try db.execute(sql: "ALTER TABLE \(stage) ADD COLUMN \(SQLIdentifier.quote(column.name))")
                case .widenColumn(let name, let from, let to):
                    let column = SQLIdentifier.quote(name)
                    try db.execute(sql: "UPDATE \(stage) SET \(column) = \(from.sqliteConversion(of: column, to: to)) WHERE \(column) IS NOT NULL")
                }
            }
            try SQLiteRowWriter.insert(db, into: stage, columns: chunk.columns, rows: chunk.rows)
            try db.execute(sql: """
                UPDATE \(self.qualified("_signalroom_loads")) SET "rows" = ?, "resume_token" = ?, "pending_cursor" = ?, "load_schema" = ?
                WHERE "load_id" = ?
                """, arguments: [chunk.load.rows, chunk.load.resumeToken, chunk.load.pendingCursor,
                                 try LedgerRow.schemaText(chunk.load.schema), chunk.load.loadId])
        }
    }

    func complete(_ load: LoadRecord, cursor: CursorValue?) async throws {
        try await write { db in
            let current = try self.schema(db, load.table)
            var wide: Set<String> = []
            for column in SchemaEvolution.columnsWideningToDouble(table: current, load: load.schema)
            where try self.hasWideIntegers(db, table: load.table, column: column) {
                wide.insert(column)
            }
            let (result, changes) = SchemaEvolution.plan(table: current, load: load.schema, wideIntegerColumns: wide)
            try self.evolve(db, table: load.table, from: current, to: result, changes: changes)
            if case .merge(let key) = load.disposition {
                try db.execute(sql: "CREATE UNIQUE INDEX IF NOT EXISTS \(SQLIdentifier.quote(self.dataset, load.table + "__key")) ON \(SQLIdentifier.quote(load.table)) (\(SQLIdentifier.list(key)))")
            }
            if case .replace = load.disposition {
                try db.execute(sql: "DELETE FROM \(self.qualified(load.table))")
            }
            try self.apply(db, load: load, result: result)
            try self.recordColumns(db, result)
            if let cursor {
                try db.execute(sql: """
                    INSERT INTO \(self.qualified("_signalroom_state")) ("pipeline", "resource", "cursor_field", "cursor_value", "load_id", "updated")
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("pipeline", "resource") DO UPDATE SET
                      "cursor_field" = excluded."cursor_field", "cursor_value" = excluded."cursor_value",
                      "load_id" = excluded."load_id", "updated" = excluded."updated"
                    """, arguments: [load.pipeline, load.resource, cursor.field, cursor.value, load.loadId, load.finished ?? load.started])
            }
            try db.execute(sql: """
                UPDATE \(self.qualified("_signalroom_loads")) SET "status" = 'completed', "rows" = ?, "finished" = ?, "load_schema" = ?
                WHERE "load_id" = ?
                """, arguments: [load.rows, load.finished, try LedgerRow.schemaText(load.schema), load.loadId])
            try db.execute(sql: "DROP TABLE IF EXISTS \(self.qualified(load.stageTable))")
        }
    }

    /// Creates the table, adds columns, or (for a widened column) rebuilds the table with
    /// the wider types, SQLite's documented way to change a column's type.
    private func evolve(_ db: Database, table: String, from current: TableSchema?, to result: TableSchema, changes: [SchemaChange]) throws {
        let definitions = result.columns.map { "\(SQLIdentifier.quote($0.name)) \($0.type.sqliteType)" } + ["\"_load_id\" TEXT"]
        guard let current else {
            try db.execute(sql: "CREATE TABLE \(qualified(table)) (\(definitions.joined(separator: ", ")))")
            return
        }
        let widened = changes.contains { if case .widenColumn = $0 { true } else { false } }
        if !widened {
            for case .addColumn(let column) in changes {
                try db.execute(sql: "ALTER TABLE \(qualified(table)) ADD COLUMN \(SQLIdentifier.quote(column.name)) \(column.type.sqliteType)")
            }
            return
        }
        let rebuilt = table + "__widening"
        try db.execute(sql: "DROP TABLE IF EXISTS \(qualified(rebuilt))")
        try db.execute(sql: "CREATE TABLE \(qualified(rebuilt)) (\(definitions.joined(separator: ", ")))")
        let kept = current.columns.map(\.name)
        let conversions = current.columns.map { column in
            let target = result.columns.first { $0.name == column.name }?.type ?? column.type
            return column.type.sqliteConversion(of: SQLIdentifier.quote(column.name), to: target)
        }
        try db.execute(sql: """
            INSERT INTO \(qualified(rebuilt)) (\(SQLIdentifier.list(kept + ["_load_id"])))
            SELECT \((conversions + ["\"_load_id\""]).joined(separator: ", ")) FROM \(qualified(table))
            """)
        try db.execute(sql: "DROP TABLE \(qualified(table))")
        try db.execute(sql: "ALTER TABLE \(qualified(rebuilt)) RENAME TO \(SQLIdentifier.quote(table))")
    }

    /// Moves the staged rows into the table; for a merge, in key order so that the last
    /// staged row of a key is applied last and wins.
    private func apply(_ db: Database, load: LoadRecord, result: TableSchema) throws {
        let names = load.schema.columns.map(\.name)
        let selected = load.schema.columns.map { column in
            let target = result.columns.first { $0.name == column.name }?.type ?? column.type
            return column.type.sqliteConversion(of: SQLIdentifier.quote(column.name), to: target)
        }
        var sql = """
            INSERT INTO \(qualified(load.table)) (\(SQLIdentifier.list(names + ["_load_id"])))
            SELECT \((selected + ["?"]).joined(separator: ", ")) FROM \(qualified(load.stageTable)) WHERE true
            """
        if case .merge(let key) = load.disposition {
            let updates = (names + ["_load_id"]).filter { !key.contains($0) }
                .map { "\(SQLIdentifier.quote($0)) = excluded.\(SQLIdentifier.quote($0))" }
            sql += " ORDER BY \(SQLIdentifier.list(key)), \"_signalroom_seq\" ON CONFLICT (\(SQLIdentifier.list(key))) DO "
            sql += updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", ")
        } else {
            sql += " ORDER BY \"_signalroom_seq\""
        }
        try db.execute(sql: sql, arguments: [load.loadId])
    }

    private func recordColumns(_ db: Database, _ schema: TableSchema) throws {
        try db.execute(sql: "DELETE FROM \(qualified("_signalroom_columns")) WHERE \"table_name\" = ?", arguments: [schema.table])
        for (ordinal, column) in schema.columns.enumerated() {
            try db.execute(sql: """
                INSERT INTO \(qualified("_signalroom_columns")) ("table_name", "column_name", "field_name", "data_type", "ordinal")
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [schema.table, column.name, column.field, column.type.rawValue, ordinal])
        }
    }

    func mark(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE \(self.qualified("_signalroom_loads")) SET "status" = ?, "finished" = ?, "error" = ? WHERE "load_id" = ?
                """, arguments: [status.rawValue, status == .running ? nil : LedgerRow.now(), error, load.loadId])
        }
    }

    func discard(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE \(self.qualified("_signalroom_loads")) SET "status" = ?, "finished" = ?, "error" = ? WHERE "load_id" = ?
                """, arguments: [status.rawValue, LedgerRow.now(), error, load.loadId])
            try db.execute(sql: "DROP TABLE IF EXISTS \(self.qualified(load.stageTable))")
        }
    }

    private func hasWideIntegers(_ db: Database, table: String, column: String) throws -> Bool {
        guard try tableExists(db, table) else { return false }
        return try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM \(qualified(table)) WHERE typeof(\(SQLIdentifier.quote(column))) = 'integer'
              AND abs(\(SQLIdentifier.quote(column))) > 9007199254740992)
            """) ?? false
    }

    func hasIntegersBeyondDoublePrecision(table: String, column: String) async throws -> Bool {
        try await read { db in try self.hasWideIntegers(db, table: table, column: column) }
    }

    func rowCount(table: String) async throws -> Int {
        try await read { db in
            guard try self.tableExists(db, table) else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(self.qualified(table))") ?? 0
        }
    }

    func describe(pipeline: String) async throws -> DatasetDescription {
        try await read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM \(SQLIdentifier.quote(self.dataset)).sqlite_master
                WHERE type = 'table' AND name NOT LIKE '\\_signalroom%' ESCAPE '\\' ORDER BY name
                """)
            let tables = try names.map { name in
                DatasetDescription.Table(
                    name: name, rows: try Int.fetchOne(db, sql: "SELECT count(*) FROM \(self.qualified(name))") ?? 0,
                    columns: try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_table_info(?, ?)", arguments: [name, self.dataset]) ?? 0)
            }
            let cursors = try Row.fetchAll(db, sql: """
                SELECT "resource", "cursor_field", "cursor_value", "load_id", "updated" FROM \(self.qualified("_signalroom_state"))
                WHERE "pipeline" = ? ORDER BY "resource"
                """, arguments: [pipeline]).map { row in
                DatasetDescription.Cursor(resource: row[0], field: row[1], value: row[2], loadId: row[3], updated: row[4])
            }
            let loads = try Row.fetchAll(db, sql: """
                SELECT * FROM \(self.qualified("_signalroom_loads")) WHERE "pipeline" = ? ORDER BY "started" DESC LIMIT 20
                """, arguments: [pipeline]).map { row in
                DatasetDescription.Load(loadId: row["load_id"], resource: row["resource"], table: row["table_name"],
                                        status: row["status"], rows: row["rows"], started: row["started"],
                                        finished: row["finished"], error: row["error"])
            }
            return DatasetDescription(dataset: self.dataset, tables: tables, cursors: cursors, loads: loads)
        }
    }

    func close() async {
        try? queue.close()
    }
}

import Foundation
import NIOCore
import SignalRoomCore
import SignalRoomPipelines

/// One dataset's PostgreSQL schema. Rows reach the stage table by COPY; a load is applied
/// with one `INSERT … SELECT` (an upsert for merge) inside the transaction that also
/// writes the cursor and the ledger.
final class PostgresDatasetConnection: LedgerConnection, @unchecked Sendable {
    let ledger: LedgerSQL
    private let session: PostgresSession

    init(dataset: String, session: PostgresSession) {
        ledger = LedgerSQL(dataset: dataset, dialect: .postgres)
        self.session = session
    }

    private func qualified(_ table: String) -> String { ledger.qualified(table) }

    var location: String { session.url.location }

    func migrate(_ migrator: LedgerMigrator) async throws {
        try await session.transaction {
            // Taken before the schema's creation: two first opens at once would otherwise
            // race on CREATE SCHEMA and on the ledger's CREATE TABLEs, and both migrate.
            try await session.query(
                "SELECT pg_advisory_xact_lock($1)::text", [.int(Int(migrationLockKey))],
                label: "locking dataset \(dataset) for its ledger migration")
            try await session.query("CREATE SCHEMA IF NOT EXISTS \(SQLIdentifier.quote(dataset))", label: "creating dataset \(dataset)")
            try await session.query(ledger.createVersionTable, label: "creating dataset \(dataset)")
            let version = try migrator.version(in: try await session.run(ledger.readVersion))
            for statement in try migrator.statements(from: version) { try await session.run(statement) }
        }
    }

    /// The advisory lock a ledger migration of this dataset holds until its transaction
    /// ends: "SRLG" in the high 32 bits, the CRC-32 of the schema name in the low 32. Two
    /// datasets whose names collide only make one open wait for the other's migration.
    var migrationLockKey: Int64 {
        let namespace: UInt64 = 0x5352_4C47
        return Int64(bitPattern: namespace << 32 | UInt64(CRC32.checksum(dataset.utf8)))
    }

    func execute(_ statements: [SQLStatement]) async throws {
        // One statement is its own transaction.
        if statements.count == 1 {
            try await session.run(statements[0])
            return
        }
        try await session.transaction {
            for statement in statements { try await session.run(statement) }
        }
    }

    func fetch(_ statement: SQLStatement) async throws -> [[String?]] {
        try await session.run(statement)
    }

    func tableExists(_ table: String) async throws -> Bool {
        let rows = try await session.query("SELECT (to_regclass($1) IS NOT NULL)::text", [.text(qualified(table))])
        return rows.first?.first == "true"
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
                    try await session.query(
                        "ALTER TABLE \(stage) ALTER COLUMN \(column) TYPE \(to.postgresType) USING \(from.postgresConversion(of: column, to: to))")
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
            try await session.run(try ledger.staged(chunk.load))
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
                        try await session.query(
                            "ALTER TABLE \(target) ALTER COLUMN \(column) TYPE \(to.postgresType) USING \(from.postgresConversion(of: column, to: to))"
                        )
                    }
                }
            }
            let names = load.schema.columns.map(\.name)
            let selected = load.schema.columns.map { column in
                let type = result.columns.first { $0.name == column.name }?.type ?? column.type
                return column.type.postgresConversion(of: SQLIdentifier.quote(column.name), to: type)
            }
            let insert = "INSERT INTO \(target) (\(SQLIdentifier.list(names + ["_load_id"]))) SELECT "
            let values = (selected + ["$1"]).joined(separator: ", ")
            let staged = insert + "\(values) FROM \(qualified(load.stageTable))"
            let label = "applying load \(load.loadId) to \(dataset).\(load.table)"
            let loadId: [SQLValue] = [.text(load.loadId)]
            // Sorting the stage for DISTINCT ON and index builds run in server memory, not on disk.
            try await session.query("SET LOCAL work_mem = '256MB'")
            try await session.query("SET LOCAL maintenance_work_mem = '256MB'")
            switch load.disposition {
            case .merge(let key):
                let index = "CREATE UNIQUE INDEX IF NOT EXISTS \(SQLIdentifier.quote(load.table + "__key")) ON \(target) (\(SQLIdentifier.list(key)))"
                // DISTINCT ON keeps the last staged row of each key: an upsert may not touch a
                // row twice. It sorts the whole stage (4.6 s of a million-row load against
                // 1.3 s without, bench/README.md), so it is the fallback for a load that
                // stages a key twice, which the fast way finds out and undoes.
                let deduplicated =
                    insert + "DISTINCT ON (\(SQLIdentifier.list(key))) \(values) "
                    + "FROM \(qualified(load.stageTable)) ORDER BY \(SQLIdentifier.list(key)), \"_signalroom_seq\" DESC"
                if current == nil {
                    // A table created by this load is empty: insert, then build the key index
                    // in one pass, much faster than maintaining it per row. A key staged twice
                    // fails the index build (unique_violation).
                    if try await session.attempt([(staged, loadId), (index, [])], label: label, undoneOn: ["23505"]) != nil {
                        try await session.query(deduplicated, loadId, label: label)
                        try await session.query(index)
                    }
                } else {
                    try await session.query(index)
                    let updates = (names + ["_load_id"]).filter { !key.contains($0) }
                        .map { "\(SQLIdentifier.quote($0)) = excluded.\(SQLIdentifier.quote($0))" }
                    let upsert =
                        " ON CONFLICT (\(SQLIdentifier.list(key))) DO "
                        + (updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", "))
                    // A key staged twice makes the upsert touch a row twice (cardinality_violation).
                    if try await session.attempt([(staged + upsert, loadId)], label: label, undoneOn: ["21000"]) != nil {
                        try await session.query(deduplicated + upsert, loadId, label: label)
                    }
                }
            case .replace:
                try await session.query("DELETE FROM \(target)")
                try await session.query(staged + " ORDER BY \"_signalroom_seq\"", loadId, label: label)
            case .append:
                try await session.query(staged + " ORDER BY \"_signalroom_seq\"", loadId, label: label)
            }
            for statement in ledger.recordColumns(result) { try await session.run(statement) }
            if let cursor { try await session.run(ledger.setCursor(cursor, of: load)) }
            try await session.run(try ledger.completed(load))
            try await session.run(ledger.dropStage(of: load))
        }
    }

    func hasIntegersBeyondDoublePrecision(table: String, column: String) async throws -> Bool {
        guard try await tableExists(table) else { return false }
        let rows = try await session.query(
            """
            SELECT EXISTS (SELECT 1 FROM \(qualified(table)) WHERE abs(\(SQLIdentifier.quote(column))) > 9007199254740992)::text
            """)
        return rows.first?.first == "true"
    }

    func tableSummaries() async throws -> [DatasetDescription.Table] {
        let names = try await session.query(
            """
            SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE '\\_signalroom%'
            ORDER BY table_name
            """, [.text(dataset)]
        ).compactMap { $0.first ?? nil }
        var tables: [DatasetDescription.Table] = []
        for name in names {
            let columns = try await session.query(
                """
                SELECT count(*)::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
                """, [.text(dataset), .text(name)]
            ).first?.first.flatMap { $0 }
            tables.append(.init(name: name, rows: try await rowCount(table: name), columns: Int(columns ?? "0") ?? 0))
        }
        return tables
    }

    func close() async {
        await session.close()
    }
}

import Foundation
import GRDB
import SignalRoomPipelines

/// One dataset's SQLite database, ATTACHed to an in-memory main database under the
/// dataset's name. WAL journal with `synchronous=NORMAL`: a killed process loses nothing
/// committed; a power cut may lose the last commits, but rows, cursor and ledger always
/// together since they share one file and one transaction.
final class SQLiteDatasetConnection: LedgerConnection, @unchecked Sendable {
    let ledger: LedgerSQL
    let path: String
    private let queue: DatabaseQueue

    init(dataset: String, path: String) throws {
        ledger = LedgerSQL(dataset: dataset, dialect: .sqlite)
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
                // 32 KiB pages for a new file (an existing one keeps the size it was made
                // with, so no migration): a WAL frame is a page plus 24 bytes, so with 4 KiB
                // pages every frame ends mid-block and the kernel zeroes each new block before
                // the copy (a third of a big apply's time). Measured on the 1M-row apply:
                // 3.0 s at 4 KiB, 1.5 s at 32 KiB; 100k scattered upserts 0.85 → 0.52 s;
                // 20k point lookups 0.10 → 0.14 s (bench/README.md).
                try db.execute(sql: "PRAGMA \(name).page_size=\(Self.pageSize)")
                try db.execute(sql: "PRAGMA \(name).journal_mode=WAL")
                try db.execute(sql: "PRAGMA \(name).synchronous=NORMAL")
                try db.execute(sql: "PRAGMA \(name).cache_size=-32768")
            }
        } catch {
            throw WarehouseError.sqliteFailed(path: path, reason: "\(error)")
        }
    }

    /// The page size of a dataset file this build creates.
    static let pageSize = 32_768

    private func qualified(_ table: String) -> String { ledger.qualified(table) }

    var location: String { path }

    func migrate(_ migrator: LedgerMigrator) async throws {
        try await queue.writeWithoutTransaction { db in
            do {
                // IMMEDIATE: BEGIN takes the write lock of every attached database, so a
                // second opener waits (the busy timeout) and then reads the version this
                // one wrote. A deferred transaction would read first and fail to upgrade.
                try db.inTransaction(.immediate) {
                    try db.execute(sql: self.ledger.createVersionTable)
                    let version = try migrator.version(in: try db.fetchText(self.ledger.readVersion))
                    for statement in try migrator.statements(from: version) { try db.execute(statement) }
                    return .commit
                }
            } catch let error as DatabaseError {
                throw WarehouseError.sqliteFailed(path: self.path, reason: error.message ?? "\(error)")
            }
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

    func execute(_ statements: [SQLStatement]) async throws {
        try await write { db in
            for statement in statements { try db.execute(statement) }
        }
    }

    func fetch(_ statement: SQLStatement) async throws -> [[String?]] {
        try await read { db in try db.fetchText(statement) }
    }

    func tableExists(_ table: String) async throws -> Bool {
        try await read { db in try self.tableExists(db, table) }
    }

    private func tableExists(_ db: Database, _ table: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT count(*) > 0 FROM \(SQLIdentifier.quote(dataset)).sqlite_master WHERE type = 'table' AND name = ?",
            arguments: [table]) ?? false
    }

    private func schema(_ db: Database, _ table: String) throws -> TableSchema? {
        guard try tableExists(db, table) else { return nil }
        return LedgerSQL.schema(table: table, rows: try db.fetchText(ledger.columns(of: table)))
    }

    func tableSchema(_ table: String) async throws -> TableSchema? {
        // One read, so the table and its recorded columns are seen together.
        try await read { db in try self.schema(db, table) }
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
            try db.execute(try self.ledger.staged(chunk.load))
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
                try db.execute(
                    sql:
                        "CREATE UNIQUE INDEX IF NOT EXISTS \(SQLIdentifier.quote(self.dataset, load.table + "__key")) ON \(SQLIdentifier.quote(load.table)) (\(SQLIdentifier.list(key)))"
                )
            }
            if case .replace = load.disposition {
                try db.execute(sql: "DELETE FROM \(self.qualified(load.table))")
            }
            try self.apply(db, load: load, result: result)
            for statement in self.ledger.recordColumns(result) { try db.execute(statement) }
            if let cursor { try db.execute(self.ledger.setCursor(cursor, of: load)) }
            try db.execute(try self.ledger.completed(load))
            try db.execute(self.ledger.dropStage(of: load))
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
        try db.execute(
            sql: """
                INSERT INTO \(qualified(rebuilt)) (\(SQLIdentifier.list(kept + ["_load_id"])))
                SELECT \((conversions + ["\"_load_id\""]).joined(separator: ", ")) FROM \(qualified(table))
                """)
        try db.execute(sql: "DROP TABLE \(qualified(table))")
        try db.execute(sql: "ALTER TABLE \(qualified(rebuilt)) RENAME TO \(SQLIdentifier.quote(table))")
    }

    /// Moves the staged rows into the table in staged order (the stage's rowid), so that for
    /// a merge the last staged row of a key is applied last and wins: SQLite's upsert may
    /// update a row the same statement inserted. Not sorted by key first: the sort of a
    /// million staged rows was a third of the apply (4.5 s against 3.0 s, bench/README.md).
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
            sql += " ORDER BY \"_signalroom_seq\" ON CONFLICT (\(SQLIdentifier.list(key))) DO "
            sql += updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", ")
        } else {
            sql += " ORDER BY \"_signalroom_seq\""
        }
        try db.execute(sql: sql, arguments: [load.loadId])
    }

    private func hasWideIntegers(_ db: Database, table: String, column: String) throws -> Bool {
        guard try tableExists(db, table) else { return false }
        return try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM \(qualified(table)) WHERE typeof(\(SQLIdentifier.quote(column))) = 'integer'
                  AND abs(\(SQLIdentifier.quote(column))) > 9007199254740992)
                """) ?? false
    }

    func hasIntegersBeyondDoublePrecision(table: String, column: String) async throws -> Bool {
        try await read { db in try self.hasWideIntegers(db, table: table, column: column) }
    }

    func tableSummaries() async throws -> [DatasetDescription.Table] {
        try await read { db in
            let names = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM \(SQLIdentifier.quote(self.dataset)).sqlite_master
                    WHERE type = 'table' AND name NOT LIKE '\\_signalroom%' ESCAPE '\\' ORDER BY name
                    """)
            return try names.map { name in
                DatasetDescription.Table(
                    name: name, rows: try Int.fetchOne(db, sql: "SELECT count(*) FROM \(self.qualified(name))") ?? 0,
                    columns: try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_table_info(?, ?)", arguments: [name, self.dataset]) ?? 0)
            }
        }
    }

    func close() async {
        try? queue.close()
    }
}

extension Database {
    func execute(_ statement: SQLStatement) throws {
        try execute(sql: statement.sql, arguments: statement.arguments)
    }

    /// The statement's rows with every value as text: integers as their digits.
    func fetchText(_ statement: SQLStatement) throws -> [[String?]] {
        try Row.fetchAll(self, sql: statement.sql, arguments: statement.arguments).map { row in
            (0..<row.count).map { index -> String? in
                switch (row[index] as DatabaseValue).storage {
                case .null: nil
                case .int64(let number): String(number)
                case .double(let number): String(number)
                case .string(let text): text
                case .blob(let data): String(decoding: data, as: UTF8.self)
                }
            }
        }
    }
}

extension SQLStatement {
    var arguments: StatementArguments {
        StatementArguments(
            values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .text(let text): text
                case .int(let number): number
                }
            })
    }
}

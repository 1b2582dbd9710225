import SignalRoomPipelines

/// A dataset connection over SQL, reduced to a few primitives; the ledger's reads and
/// writes (`LedgerSQL`) are written once here on top of them. A destination implements
/// the primitives and what really differs between databases: staging rows, applying a
/// load to its table, listing tables, and checking integers beyond double precision.
protocol LedgerConnection: DatasetConnection {
    var ledger: LedgerSQL { get }
    /// Where the dataset is, for messages: its file, or `user@host:port/database`.
    var location: String { get }
    /// Creates the dataset if needed and, in one transaction holding the dataset's
    /// migration lock (so that of two processes opening it at once, one migrates and the
    /// other then finds it current), reads the ledger's version and runs
    /// `migrator.statements(from:)`.
    func migrate(_ migrator: LedgerMigrator) async throws
    /// Runs the statements in one transaction: all of them or none.
    func execute(_ statements: [SQLStatement]) async throws
    /// The statement's rows, every value as text (nil for NULL).
    func fetch(_ statement: SQLStatement) async throws -> [[String?]]
    func tableExists(_ table: String) async throws -> Bool
    /// The dataset's own tables (not the ledger's), by name, with their row and column counts.
    func tableSummaries() async throws -> [DatasetDescription.Table]
}

extension LedgerConnection {
    var dataset: String { ledger.dataset }

    /// Brings the dataset's ledger to this build's version (`LedgerMigrator`), or throws
    /// `WarehouseError.ledgerTooNew` for a ledger a newer build wrote.
    func prepare() async throws {
        let migrator = LedgerMigrator(ledger: ledger, location: location)
        // Most opens find the ledger current: one read without the lock, so an open never
        // waits behind another process's load. Versions only go up, so what it read stays
        // true; anything else is decided again under the lock.
        if try await tableExists(LedgerSQL.versionTable),
            try migrator.isCurrent(try migrator.version(in: try await fetch(ledger.readVersion)))
        {
            return
        }
        try await migrate(migrator)
    }

    func tableSchema(_ table: String) async throws -> TableSchema? {
        guard try await tableExists(table) else { return nil }
        return LedgerSQL.schema(table: table, rows: try await fetch(ledger.columns(of: table)))
    }

    func cursor(pipeline: String, resource: String) async throws -> String? {
        try await fetch(ledger.cursor(pipeline: pipeline, resource: resource)).first?.first ?? nil
    }

    func loadRecord(id: String) async throws -> LoadRecord? {
        try await fetch(ledger.load(id: id)).first.map(LedgerSQL.load)
    }

    func unfinishedLoads(pipeline: String, resource: String) async throws -> [LoadRecord] {
        try await fetch(ledger.unfinishedLoads(pipeline: pipeline, resource: resource)).map(LedgerSQL.load)
    }

    func begin(_ load: LoadRecord) async throws {
        try await execute([try ledger.insert(load), ledger.createStage(of: load)])
    }

    func mark(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws {
        // A load running again is not finished; any other status finishes it now.
        try await execute([ledger.setStatus(of: load, to: status, error: error, finishedNow: status != .running)])
    }

    func discard(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws {
        try await execute([ledger.setStatus(of: load, to: status, error: error, finishedNow: true), ledger.dropStage(of: load)])
    }

    func rowCount(table: String) async throws -> Int {
        guard try await tableExists(table) else { return 0 }
        return Int(try await fetch(ledger.rowCount(table: table)).first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    func describe(pipeline: String) async throws -> DatasetDescription {
        let tables = try await tableSummaries()
        let cursors = try await fetch(ledger.cursors(pipeline: pipeline)).map(LedgerSQL.cursor)
        let loads = try await loads(pipeline: pipeline, failedOnly: false, limit: 20)
        return DatasetDescription(dataset: dataset, tables: tables, cursors: cursors, loads: loads)
    }

    func drop(pipeline: String, resource: String?) async throws -> [String] {
        let loads = try await fetch(ledger.loadsToDrop(pipeline: pipeline, resource: resource)).map(LedgerSQL.load)
        let tables = Array(Set(loads.map(\.table))).sorted()
        var statements = tables.map(ledger.dropTable) + loads.map(ledger.dropStage)
        statements += ledger.forget(pipeline: pipeline, resource: resource, tables: tables)
        try await execute(statements)
        return tables
    }

    func loads(pipeline: String, failedOnly: Bool, limit: Int) async throws -> [DatasetDescription.Load] {
        try await fetch(ledger.recentLoads(pipeline: pipeline, failedOnly: failedOnly, limit: limit)).map(LedgerSQL.load).map { load in
            DatasetDescription.Load(
                loadId: load.loadId, resource: load.resource, table: load.table, status: load.status.rawValue,
                rows: load.rows, started: load.started, finished: load.finished, error: load.error)
        }
    }
}

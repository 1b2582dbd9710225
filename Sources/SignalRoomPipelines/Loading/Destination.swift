/// A warehouse SignalRoom loads into: SQLite files under `state/`, or PostgreSQL.
public protocol Destination: Sendable {
    /// Where the warehouse is, for messages: never includes a password.
    var location: String { get }
    /// Opens a dataset (a SQLite database ATTACHed under its name, a PostgreSQL schema),
    /// creating it and its ledger tables if needed.
    func open(dataset: String) async throws -> any DatasetConnection
    /// A connection that sees every dataset, for models, seeds and report queries.
    func session() async throws -> any WarehouseSession
    /// Whether the dataset exists (was ever opened); asking creates nothing, unlike `open`.
    func hasDataset(_ dataset: String) async throws -> Bool
}

extension Destination {
    /// The dataset's tables, cursors and last loads of `pipeline`; nil when the dataset was
    /// never created: a command that only reads must not create it to find out.
    public func description(ofDataset dataset: String, pipeline: String) async throws -> DatasetDescription? {
        guard try await hasDataset(dataset) else { return nil }
        return try await withDataset(dataset) { try await $0.describe(pipeline: pipeline) }
    }

    /// The pipeline's loads (see `DatasetConnection.loads`); nil when the dataset was never
    /// created, which asking does not change.
    public func loads(ofDataset dataset: String, pipeline: String, failedOnly: Bool, limit: Int) async throws -> [DatasetDescription.Load]? {
        guard try await hasDataset(dataset) else { return nil }
        return try await withDataset(dataset) { try await $0.loads(pipeline: pipeline, failedOnly: failedOnly, limit: limit) }
    }

    /// `DatasetConnection.drop`; nil when the dataset was never created (nothing is).
    public func drop(ofDataset dataset: String, pipeline: String, resource: String?) async throws -> [String]? {
        guard try await hasDataset(dataset) else { return nil }
        return try await withDataset(dataset) { try await $0.drop(pipeline: pipeline, resource: resource) }
    }

    /// Runs `body` on the dataset's connection and closes it afterwards, whether `body`
    /// returned or threw.
    public func withDataset<T>(_ dataset: String, _ body: (any DatasetConnection) async throws -> T) async throws -> T {
        let connection = try await open(dataset: dataset)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// A connection to one dataset. Every method that writes is one transaction: a crash
/// leaves either all of it or none of it.
public protocol DatasetConnection: AnyObject, Sendable {
    var dataset: String { get }
    /// The table's columns as SignalRoom recorded them; nil when the table does not exist.
    func tableSchema(_ table: String) async throws -> TableSchema?
    /// The resource's cursor value, nil before its first completed incremental load.
    func cursor(pipeline: String, resource: String) async throws -> String?
    /// The ledger's record of a load, whatever its status; nil when there is none.
    func loadRecord(id: String) async throws -> LoadRecord?
    /// Loads of the resource still `running` or `failed_resumable` (staged, not applied).
    func unfinishedLoads(pipeline: String, resource: String) async throws -> [LoadRecord]
    /// Records the load as running and creates its empty stage table.
    func begin(_ load: LoadRecord) async throws
    /// Adds rows to the load's stage table and records the load's new position.
    func stage(_ chunk: StagedChunk) async throws
    /// Applies the staged rows to the table by the load's write disposition, evolves the
    /// table's columns to `load.schema`, sets the cursor (when `cursor` is not nil), marks
    /// the load completed and drops its stage table.
    func complete(_ load: LoadRecord, cursor: CursorValue?) async throws
    /// Records the load's status (`running` again, `failed_resumable`) and error, keeping
    /// its staged rows.
    func mark(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws
    /// Marks the load failed or abandoned and drops its stage table.
    func discard(_ load: LoadRecord, status: LoadRecord.Status, error: String?) async throws
    /// Whether an integer column holds values a double would round (beyond ±2^53).
    func hasIntegersBeyondDoublePrecision(table: String, column: String) async throws -> Bool
    func rowCount(table: String) async throws -> Int
    /// What `signalroom pipeline info` shows.
    func describe(pipeline: String) async throws -> DatasetDescription
    /// The pipeline's loads, newest first, at most `limit`; with `failedOnly` those that
    /// failed (`failed`, `failed_resumable`), with their errors (`signalroom pipeline loads`).
    func loads(pipeline: String, failedOnly: Bool, limit: Int) async throws -> [DatasetDescription.Load]
    /// Drops the tables the pipeline loaded (those of `resource`, when given) with their stage
    /// tables, and forgets their loads, cursors and column records, in one transaction: the
    /// next sync starts from the cursor's initial value. Returns the tables dropped.
    func drop(pipeline: String, resource: String?) async throws -> [String]
    func close() async
}

/// A resource's cursor as `_signalroom_state` keeps it.
public struct CursorValue: Sendable, Hashable, Codable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

/// A dataset's tables, cursors and last loads for one pipeline.
public struct DatasetDescription: Sendable, Codable {
    public struct Table: Sendable, Codable {
        public var name: String
        public var rows: Int
        public var columns: Int
        public init(name: String, rows: Int, columns: Int) {
            self.name = name
            self.rows = rows
            self.columns = columns
        }
    }
    public struct Cursor: Sendable, Codable {
        public var resource: String
        public var field: String
        public var value: String
        public var loadId: String
        public var updated: String
        public init(resource: String, field: String, value: String, loadId: String, updated: String) {
            self.resource = resource
            self.field = field
            self.value = value
            self.loadId = loadId
            self.updated = updated
        }
    }
    public struct Load: Sendable, Codable {
        public var loadId: String
        public var resource: String
        public var table: String
        public var status: String
        public var rows: Int
        public var started: String
        public var finished: String?
        public var error: String?
        public init(
            loadId: String, resource: String, table: String, status: String, rows: Int, started: String,
            finished: String?, error: String?
        ) {
            self.loadId = loadId
            self.resource = resource
            self.table = table
            self.status = status
            self.rows = rows
            self.started = started
            self.finished = finished
            self.error = error
        }
    }
    public var dataset: String
    public var tables: [Table]
    public var cursors: [Cursor]
    public var loads: [Load]

    public init(dataset: String, tables: [Table], cursors: [Cursor], loads: [Load]) {
        self.dataset = dataset
        self.tables = tables
        self.cursors = cursors
        self.loads = loads
    }
}

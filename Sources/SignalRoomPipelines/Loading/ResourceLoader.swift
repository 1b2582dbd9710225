import Foundation
import SignalRoomCore

/// Loads one resource into one dataset: extracts, normalizes, stages in checkpointed
/// chunks, then applies the load, its cursor and its ledger row in one transaction.
///
/// Guarantees: the table never holds part of a load (rows are staged until the end); the
/// cursor never runs ahead of the rows; a load interrupted by a crash or a transient error
/// resumes from its last committed chunk when `resumeLoadId` names it (the activity keeps
/// it in its heartbeat details); a load stopped by bad data is marked failed and leaves
/// the table as it was.
public struct ResourceLoader: Sendable {
    public struct Options: Sendable {
        /// Rows per staged chunk (one transaction and one checkpoint each).
        public var chunkRows: Int = 10_000
        /// A chunk also commits once its rows came from this many source bytes, so memory
        /// stays bounded however wide the rows are.
        public var chunkBytes: Int = 16 << 20
        /// Ignore the cursor and read from the resource's initial value.
        public var fullRefresh = false
        public var startDate: String?
        public var endDate: String?

        public init(chunkRows: Int = 10_000, fullRefresh: Bool = false, startDate: String? = nil, endDate: String? = nil) {
            self.chunkRows = chunkRows
            self.fullRefresh = fullRefresh
            self.startDate = startDate
            self.endDate = endDate
        }
    }

    /// Told after every durable step: the load began (`chunks == 0`), a chunk committed,
    /// the load completed. The activity records the load id as a heartbeat checkpoint;
    /// tests use it to crash at exact points.
    public typealias Checkpoint = @Sendable (_ loadId: String, _ resource: String, _ stage: CheckpointStage) async throws -> Void
    public enum CheckpointStage: Sendable, Equatable {
        case begun
        case staged(chunk: Int, rows: Int)
        case completed
    }

    public var pipeline: String
    public var connection: any DatasetConnection
    public var options: Options
    public var checkpoint: Checkpoint
    public var progress: @Sendable (LoadProgress) -> Void

    public init(
        pipeline: String, connection: any DatasetConnection, options: Options = Options(),
        checkpoint: @escaping Checkpoint = { _, _, _ in }, progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }
    ) {
        self.pipeline = pipeline
        self.connection = connection
        self.options = options
        self.checkpoint = checkpoint
        self.progress = progress
    }

    public func load(_ resource: any Resource, resumeLoadId: String?) async throws -> ResourceLoadResult {
        // An attempt that died after its load was applied must not load again (an append
        // would duplicate): the ledger has the result.
        if let resumeLoadId, let done = try await connection.loadRecord(id: resumeLoadId),
            done.status == .completed, done.resource == resource.name
        {
            return ResourceLoadResult(
                resource: resource.name, table: done.table, loadId: done.loadId, rows: done.rows,
                tableRows: try await connection.rowCount(table: done.table),
                cursor: try await connection.cursor(pipeline: pipeline, resource: resource.name),
                resumed: true, chunks: 0)
        }
        let unfinished = try await connection.unfinishedLoads(pipeline: pipeline, resource: resource.name)
        var resumed: LoadRecord? = nil
        for load in unfinished {
            if load.loadId == resumeLoadId, load.table == resource.table {
                resumed = load
            } else {
                try await connection.discard(load, status: .abandoned, error: "left unfinished by an earlier run that did not resume it")
            }
        }
        let table = try await connection.tableSchema(resource.table)
        let load: LoadRecord
        if var resumed {
            if resumed.status != .running {
                // A failed sync run again with the same options: its staged rows go on.
                try await connection.mark(resumed, status: .running, error: nil)
                resumed.status = .running
                resumed.error = nil
            }
            load = resumed
        } else {
            load = LoadRecord(
                loadId: Self.newLoadId(), pipeline: pipeline, resource: resource.name, table: resource.table,
                disposition: resource.writeDisposition, started: Self.timestamp(),
                schema: TableSchema(table: resource.table))
            try await connection.begin(load)
        }
        try await checkpoint(load.loadId, resource.name, .begun)

        let storedCursor = options.fullRefresh ? nil : try await connection.cursor(pipeline: pipeline, resource: resource.name)
        let request = ExtractRequest(
            cursor: storedCursor ?? resource.incremental?.initialValue, resumeToken: load.resumeToken,
            startDate: options.startDate, endDate: options.endDate)
        let sink = ChunkingSink(loader: self, resource: resource, table: table, load: load)
        var finished: LoadRecord
        let cursor: CursorValue?
        do {
            try await resource.extract(request, into: sink)
            try await sink.flush(resumeToken: sink.lastToken ?? load.resumeToken, force: true)
            try await sink.drain()
            finished = sink.load
            finished.status = .completed
            finished.finished = Self.timestamp()
            let pending = finished.pendingCursor
            cursor = resource.incremental.flatMap { incremental in
                CursorOrdering.maximum(pending, storedCursor).map { CursorValue(field: incremental.field, value: $0) }
            }
            try await connection.complete(finished, cursor: cursor)
        } catch {
            // A chunk still committing finishes (or fails) before anything else touches the load.
            try? await sink.drain()
            // Bad data stays bad: give the load up so the table is left as it was. Anything
            // else (a crash, a lost connection) leaves it to resume from its checkpoint.
            if let classified = error as? RetryClassifiedError, !classified.isRetryable {
                try? await connection.discard(sink.load, status: .failed, error: classified.description)
            }
            throw error
        }
        try await checkpoint(finished.loadId, resource.name, .completed)
        let tableRows = try await connection.rowCount(table: resource.table)
        progress(
            LoadProgress(
                resource: resource.name, table: resource.table, rows: finished.rows,
                rowsRead: sink.rowsRead, bytesRead: sink.bytesRead, finished: true))
        return ResourceLoadResult(
            resource: resource.name, table: resource.table, loadId: finished.loadId, rows: finished.rows,
            tableRows: tableRows, cursor: cursor?.value ?? storedCursor, resumed: resumed != nil,
            chunks: sink.chunks, skippedRows: sink.skippedRows)
    }

    /// Sortable and unique enough across processes: start time in milliseconds plus
    /// random bits. Only identifier characters, as it names the stage table.
    static func newLoadId() -> String {
        let milliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        return "\(milliseconds)_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    static func timestamp() -> String { Timestamp.format(Date()) }
}

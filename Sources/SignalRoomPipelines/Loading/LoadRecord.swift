/// A load of one resource as the ledger (`_signalroom_loads`) records it.
public struct LoadRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        /// Staging: rows committed chunk by chunk to the load's stage table; resumable.
        case running
        /// Applied to the table together with the cursor.
        case completed
        /// Stopped by an error that retrying cannot fix; its staged rows were dropped.
        case failed
        /// Left behind by an earlier run that will not resume it; its staged rows were dropped.
        case abandoned
        /// Its sync failed after its retries ran out, with a fault that may pass (a dead
        /// process, an unreachable API): the staged rows are kept for the same sync run again,
        /// which resumes it; a load of the resource with other options drops them.
        /// (A build that predates it reads it as `running`, which it treats the same way.)
        case failedResumable = "failed_resumable"
    }

    public var loadId: String
    public var pipeline: String
    public var resource: String
    public var table: String
    public var disposition: WriteDisposition
    public var status: Status
    /// Rows staged so far (completed: rows applied).
    public var rows: Int
    public var started: String
    public var finished: String?
    /// The token of the last staged batch: where extraction resumes.
    public var resumeToken: String?
    /// The largest cursor value among the staged rows, written to the state on completion.
    public var pendingCursor: String?
    /// The table's columns as this load will leave them.
    public var schema: TableSchema
    public var error: String?

    public init(
        loadId: String, pipeline: String, resource: String, table: String, disposition: WriteDisposition,
        status: Status = .running, rows: Int = 0, started: String, finished: String? = nil,
        resumeToken: String? = nil, pendingCursor: String? = nil, schema: TableSchema, error: String? = nil
    ) {
        self.loadId = loadId
        self.pipeline = pipeline
        self.resource = resource
        self.table = table
        self.disposition = disposition
        self.status = status
        self.rows = rows
        self.started = started
        self.finished = finished
        self.resumeToken = resumeToken
        self.pendingCursor = pendingCursor
        self.schema = schema
        self.error = error
    }

    /// The table this load stages its rows in until it completes.
    public var stageTable: String { "_signalroom_stage_" + loadId }
}

/// One checkpoint's worth of rows for a load's stage table.
public struct StagedChunk: Sendable {
    /// The load after this chunk: rows, token, pending cursor and schema to record.
    public var load: LoadRecord
    /// Changes to the stage table's columns before the rows go in.
    public var changes: [SchemaChange]
    /// The column names the values of `rows` are for, in order.
    public var columns: [String]
    public var rows: [[FieldValue]]
}

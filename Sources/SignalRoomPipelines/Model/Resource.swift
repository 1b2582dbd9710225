/// A named stream of rows from a source that loads into one table.
///
/// `extract` may be called again after a crash with the `resumeToken` of the last batch
/// whose rows were committed; it must then carry on right after that batch. Tokens are
/// the resource's own text (a file and a row, a day, a page).
public protocol Resource: Sendable {
    var name: String { get }
    /// The destination table, a snake_case identifier.
    var table: String { get }
    var writeDisposition: WriteDisposition { get }
    var incremental: IncrementalCursor? { get }
    func extract(_ request: ExtractRequest, into sink: any RowSink) async throws
    /// What `extract` would read for this request, in words, without reading rows.
    func plan(_ request: ExtractRequest) async throws -> [String]
}

/// What the loader asks a resource for.
public struct ExtractRequest: Sendable, Hashable {
    /// The last loaded cursor value (or the initial value); nil reads everything.
    public var cursor: String?
    /// The token of the last committed batch when resuming; nil for a fresh start.
    public var resumeToken: String?
    /// An explicit date window (`--start-date`/`--end-date`) that overrides the cursor.
    public var startDate: String?
    public var endDate: String?

    public init(cursor: String? = nil, resumeToken: String? = nil, startDate: String? = nil, endDate: String? = nil) {
        self.cursor = cursor
        self.resumeToken = resumeToken
        self.startDate = startDate
        self.endDate = endDate
    }
}

/// Where a resource sends its rows.
public protocol RowSink: AnyObject {
    /// Hands over rows. `resumeToken` says where to carry on after this batch; the loader
    /// commits only at batches that have one, so a resource that cannot resume mid-way
    /// passes nil until it reaches a point it can resume from. Consuming: a batch handed over
    /// with no other reference to it is converted in place.
    func write(_ batch: consuming RowBatch, resumeToken: String?) async throws
    /// Bytes read from the source, for progress.
    func didRead(bytes: Int)
    /// Moves the cursor past what the rows show (a day with no rows is still done).
    func advanceCursor(to value: String)
    /// Commits what is buffered now, whatever its size, with `resumeToken` as the position:
    /// a finished file or day, so that a crash or a timeout resumes after it.
    func commit(resumeToken: String) async throws
    /// Rows the resource read but did not load (a RedTrack row without `source_id`),
    /// reported in the result.
    func didSkip(rows: Int)
}

/// A source: a named set of resources loaded into one dataset.
public protocol Source: Sendable {
    var name: String { get }
    /// The dataset (SQLite database / PostgreSQL schema) its tables live in.
    var dataset: String { get }
    func resources() async throws -> [any Resource]
}

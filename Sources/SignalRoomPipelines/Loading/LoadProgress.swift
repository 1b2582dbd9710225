/// Where a resource's load stands, for progress display.
public struct LoadProgress: Sendable {
    public var resource: String
    public var table: String
    /// Rows committed to the stage so far (including those of an earlier attempt).
    public var rows: Int
    /// Rows extracted, committed or not.
    public var rowsRead: Int
    public var bytesRead: Int
    public var finished: Bool
}

/// A resource's load as it ended.
public struct ResourceLoadResult: Sendable, Codable, Hashable {
    public var resource: String
    public var table: String
    public var loadId: String
    /// Rows applied to the table by this load (before a merge folds duplicate keys).
    public var rows: Int
    /// Rows in the table afterwards.
    public var tableRows: Int?
    public var cursor: String?
    /// True when this load carried on from an earlier attempt's checkpoint.
    public var resumed: Bool
    /// Chunks committed by this attempt.
    public var chunks: Int
    /// Rows read but not loaded by this attempt (the resource says which and why).
    public var skippedRows: Int = 0
}

/// How a load's rows meet the rows already in the table.
public enum WriteDisposition: Sendable, Hashable, Codable {
    /// Rows are added; nothing already there changes.
    case append
    /// The table ends up holding exactly this load's rows (swapped in at the end, so
    /// readers never see a half-replaced table).
    case replace
    /// Rows whose primary key already exists are updated in place, others inserted; within
    /// one load the last row for a key wins. Key names are column names (snake_case).
    case merge(primaryKey: [String])

    public var name: String {
        switch self {
        case .append: "append"
        case .replace: "replace"
        case .merge: "merge"
        }
    }

    public var primaryKey: [String] {
        if case .merge(let key) = self { return key }
        return []
    }
}

/// A resource's incremental cursor: the field whose largest loaded value is kept as
/// pipeline state, so the next run reads only what is new.
public struct IncrementalCursor: Sendable, Hashable, Codable {
    /// The source's field name (`_file_date`, `date`).
    public var field: String
    /// Where the first run (and `--full-refresh`) starts; nil reads everything.
    public var initialValue: String?

    public init(field: String, initialValue: String? = nil) {
        self.field = field
        self.initialValue = initialValue
    }
}

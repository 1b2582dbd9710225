/// One column of a warehouse table, and which source field fills it.
public struct ColumnDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var type: ColumnType
    /// The source's field name, remembered so a later field that normalizes to the same
    /// name gets a column of its own instead of sharing this one.
    public var field: String

    public init(name: String, type: ColumnType, field: String) {
        self.name = name
        self.type = type
        self.field = field
    }
}

/// The columns of a table as SignalRoom created them (kept in `_signalroom_columns`).
public struct TableSchema: Sendable, Hashable, Codable {
    public var table: String
    public var columns: [ColumnDefinition]

    public init(table: String, columns: [ColumnDefinition] = []) {
        self.table = table
        self.columns = columns
    }

    public func index(ofField field: String) -> Int? {
        columns.firstIndex { $0.field == field }
    }

    public func index(ofColumn name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// Widens the column at `index` to hold values of `type` (see
    /// `ColumnType.widened(toHold:integersBeyondDoublePrecision:)`); the change, or nil when
    /// the column already holds them.
    public mutating func widenColumn(at index: Int, toHold type: ColumnType, integersBeyondDoublePrecision: Bool) -> SchemaChange? {
        let current = columns[index].type
        let widened = current.widened(toHold: type, integersBeyondDoublePrecision: integersBeyondDoublePrecision)
        guard widened != current else { return nil }
        columns[index].type = widened
        return .widenColumn(name: columns[index].name, from: current, to: widened)
    }

    /// The column name a new field gets: its normalized name, or that name with `_2`,
    /// `_3`… when another field already owns it. Deterministic given the table's history.
    public func columnName(forNewField field: String, reserved: Set<String>) -> String {
        let base = ColumnName.normalize(field)
        var candidate = base
        var suffix = 2
        while reserved.contains(candidate) || columns.contains(where: { $0.name == candidate }) {
            let tail = "_\(suffix)"
            candidate = String(base.prefix(ColumnName.maximumLength - tail.utf8.count)) + tail
            suffix += 1
        }
        return candidate
    }
}

/// A change a load makes to a table's columns.
public enum SchemaChange: Sendable, Hashable, Codable {
    case addColumn(ColumnDefinition)
    /// Existing values are converted to `to` (see `ColumnType.joined(with:)`).
    case widenColumn(name: String, from: ColumnType, to: ColumnType)
}

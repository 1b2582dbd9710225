import SignalRoomPipelines

extension ColumnType {
    /// Declared SQLite types. Their affinities never rewrite what we bind: DATE, TIMESTAMP
    /// and JSON get NUMERIC affinity, which leaves non-numeric text alone. A decimal column
    /// is declared without a type (BLOB affinity, which converts nothing): it holds each
    /// value as SQLiteRowWriter binds it, INTEGER or REAL where that is exact and TEXT where
    /// a double would round the digits. NUMERIC affinity would round those (3.40 turns
    /// `12345678901234567.89` into an integer), TEXT affinity would make numbers text
    /// and `amount > 100` a text comparison.
    var sqliteType: String {
        switch self {
        case .bool: "BOOLEAN"
        case .bigint: "BIGINT"
        case .double: "DOUBLE"
        case .decimal: ""
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        case .text: "TEXT"
        case .json: "JSON"
        }
    }

    var postgresType: String {
        switch self {
        case .bool: "boolean"
        case .bigint: "bigint"
        case .double: "double precision"
        case .decimal: "numeric"
        case .date: "date"
        case .timestamp: "timestamptz"
        case .text: "text"
        case .json: "jsonb"
        }
    }

    /// SQLite expression converting `column` holding this type's values to `target`,
    /// matching `FieldValue.coerced(to:)`: booleans become `true`/`false`, numbers their
    /// digits.
    func sqliteConversion(of column: String, to target: ColumnType) -> String {
        guard target != self else { return column }
        switch (self, target) {
        case (.bool, .text): return "CASE \(column) WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE CAST(\(column) AS TEXT) END"
        case (.bigint, .double): return "CAST(\(column) AS REAL)"
        // A decimal column holds integers and doubles as they are (see sqliteType).
        case (.bigint, .decimal), (.double, .decimal): return column
        default: return "CAST(\(column) AS TEXT)"
        }
    }

    /// PostgreSQL expression converting `column` of this type to `target` (for `USING`
    /// and `INSERT … SELECT`): timestamps become ISO 8601 text as they arrived.
    func postgresConversion(of column: String, to target: ColumnType) -> String {
        guard target != self else { return column }
        switch (self, target) {
        case (.timestamp, .text): return "to_json(\(column))#>>'{}'"
        case (.json, .text): return "(\(column))::text"
        default: return "(\(column))::\(target.postgresType)"
        }
    }
}

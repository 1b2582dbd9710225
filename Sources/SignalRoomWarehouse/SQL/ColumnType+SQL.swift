import SignalRoomPipelines

extension ColumnType {
    /// Declared SQLite types. Their affinities never rewrite what we bind: decimal digits
    /// go into TEXT (NUMERIC affinity would turn them into a rounding REAL), DATE,
    /// TIMESTAMP and JSON get NUMERIC affinity, which leaves non-numeric text alone.
    var sqliteType: String {
        switch self {
        case .bool: "BOOLEAN"
        case .bigint: "BIGINT"
        case .double: "DOUBLE"
        case .decimal: "TEXT"
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

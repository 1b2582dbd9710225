/// One value of one row as a source yields it, already classified.
///
/// Text payloads keep the value exactly as it arrived: `decimal` holds digits that a
/// `Double` would round, `date` is `YYYY-MM-DD`, `timestamp` an ISO 8601 instant with a
/// zone, `json` the JSON text of a nested object or array.
public enum FieldValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case decimal(String)
    case date(String)
    case timestamp(String)
    case text(String)
    case json(String)

    /// The narrowest column type that holds this value; nil for null.
    public var columnType: ColumnType? {
        switch self {
        case .null: nil
        case .bool: .bool
        case .int: .bigint
        case .double: .double
        case .decimal: .decimal
        case .date: .date
        case .timestamp: .timestamp
        case .text: .text
        case .json: .json
        }
    }

    /// The value as text, the form every column type can be widened to.
    public var textForm: String? {
        switch self {
        case .null: nil
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): DoubleText.format(value)
        case .decimal(let text), .date(let text), .timestamp(let text), .text(let text), .json(let text): text
        }
    }
}

enum DoubleText {
    /// Shortest text that reads back as the same double, without an exponent for the
    /// magnitudes money and rates live in, so `2500.5` stays `2500.5` in a text column.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value)) + ".0"
        }
        return value.description
    }
}

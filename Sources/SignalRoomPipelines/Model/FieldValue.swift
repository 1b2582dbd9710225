/// One value of one row as a source yields it, already classified.
///
/// Text payloads keep the value exactly as it arrived: `decimal` holds a number's digits
/// as written (`3818.50`, scale included, or an integer beyond 64 bits), `date` is
/// `YYYY-MM-DD`, `timestamp` an ISO 8601 instant with a zone, `json` the JSON text of a
/// nested object or array.
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

extension FieldValue {
    /// The value as a number, for ordering (nil unless it is one).
    public var numericValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .decimal(let text): Double(text)
        default: nil
        }
    }

    /// A `decimal`'s digits as the number a store without a decimal type (SQLite) can hold
    /// without changing its value: `.int` for whole digits within 64 bits, `.double` for at
    /// most 15 significant digits (a double gives those back exactly), nil when only the
    /// text keeps every digit. Trailing zeros of the fraction are not part of the number.
    public static func exactNumber(decimal text: String) -> FieldValue? {
        if let decided = exactFraction(text) { return decided }
        if let integer = Int64(text) { return .int(integer) }
        var significant = 0
        var leading = true
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0"): if !leading { significant += 1 }
            case UInt8(ascii: "1")...UInt8(ascii: "9"): leading = false; significant += 1
            case UInt8(ascii: "."), UInt8(ascii: "-"): continue
            default: return nil  // an exponent or anything else: kept as text
            }
        }
        guard significant <= 15, let value = Double(text) else { return nil }
        return .double(value)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// `exactNumber` for the usual decimal, `-?digits.digits`, in one pass and without
    /// `strtod` (a fifth of binding a staged row with two prices): a mantissa below 2^53
    /// divided by a power of ten up to 10^22 is rounded once, as `Double(text)` rounds
    /// (both operands are exact doubles). `.some(nil)` when the text has too many
    /// significant digits; nil when the text is anything else, left to the general rule.
    private static func exactFraction(_ text: String) -> FieldValue?? {
        var text = text
        return text.withUTF8 { bytes -> FieldValue?? in
            var index = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative { index = 1 }
            var mantissa: UInt64 = 0
            var digits = 0
            var fractionDigits = 0
            var significant = 0
            var sawPoint = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte &- UInt8(ascii: "0") < 10 {
                    guard digits < 19 else { return nil }
                    mantissa = mantissa * 10 + UInt64(byte &- UInt8(ascii: "0"))
                    digits += 1
                    if sawPoint { fractionDigits += 1 }
                    if mantissa != 0 { significant += 1 }
                } else if byte == UInt8(ascii: "."), !sawPoint {
                    sawPoint = true
                } else {
                    return nil
                }
            }
            guard sawPoint, fractionDigits > 0, digits > fractionDigits else { return nil }
            if significant > 15 { return .some(nil) }
            guard mantissa < 1 << 53, fractionDigits < powersOfTen.count else { return nil }
            let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
            return .some(.double(negative ? -magnitude : magnitude))
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

/// Compares cursor values kept as text: numbers by value, everything else (dates,
/// timestamps, text) by its text, which orders ISO dates correctly.
public enum CursorOrdering {
    public static func isLess(_ left: String, _ right: String) -> Bool {
        switch (TextInference.value(of: left), TextInference.value(of: right)) {
        case (.int(let a), .int(let b)): return a < b
        case let (a, b) where a.numericValue != nil && b.numericValue != nil: return a.numericValue! < b.numericValue!
        default: return left < right
        }
    }

    public static func maximum(_ left: String?, _ right: String?) -> String? {
        guard let left else { return right }
        guard let right else { return left }
        return isLess(left, right) ? right : left
    }

    /// The value as cursor text, nil for null.
    static func text(of value: FieldValue) -> String? { value.textForm }
}

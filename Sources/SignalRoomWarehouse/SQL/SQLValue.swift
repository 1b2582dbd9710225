/// A value bound to a statement's placeholder: the ledger binds only text and integers.
enum SQLValue: Sendable {
    case text(String?)
    case int(Int)
}

/// One statement with its bound values, and what to call it in an error message (nil:
/// its first words).
struct SQLStatement: Sendable {
    var sql: String
    var values: [SQLValue] = []
    var label: String? = nil
}

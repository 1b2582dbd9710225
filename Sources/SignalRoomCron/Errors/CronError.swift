/// Why a cron expression was refused: which field, which part of it, and what is allowed.
///
/// `description` is one line a user can act on, e.g.
/// "cron `61 * * * *`: field 1 (minute): `61` is out of range; allowed 0-59".
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// The field at fault; nil when the expression as a whole is wrong (field count, macro).
    public var field: CronField?
    /// The offending part of the field, quoted in the message.
    public var token: String?
    /// What is wrong with it.
    public var problem: String
    /// What would have been accepted instead.
    public var allowed: String?

    public init(
        expression: String, field: CronField? = nil, token: String? = nil, problem: String,
        allowed: String? = nil
    ) {
        self.expression = expression
        self.field = field
        self.token = token
        self.problem = problem
        self.allowed = allowed
    }

    public var description: String {
        var text = "cron `\(expression)`: "
        if let field { text += "field \(field.position) (\(field)): " }
        if let token { text += "`\(token)` " }
        text += problem
        if let allowed { text += "; allowed \(allowed)" }
        return text
    }
}

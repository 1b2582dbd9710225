import SignalRoomCore
/// Why a warehouse query could not run. None is cured by retrying.
public enum QueryError: RetryClassifiedError, Equatable {
    /// The SQL names `:name` but no value was given for it.
    case missingParameter(String)
    /// The warehouse refused the statement (a missing table, a syntax error).
    case failed(dialect: SQLDialect, reason: String)

    public var isRetryable: Bool { false }
    public var failureType: String { "InvalidInput" }

    public var description: String {
        switch self {
        case .missingParameter(let name): "the query uses :\(name) but no value was given for it"
        case .failed(let dialect, let reason): "\(dialect == .sqlite ? "SQLite" : "PostgreSQL") refused the query: \(reason)"
        }
    }
}

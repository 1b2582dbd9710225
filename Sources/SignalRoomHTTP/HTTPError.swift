import SignalRoomCore

/// Why an HTTP exchange failed, with the service named and secrets already masked. The
/// connectors turn the statuses that mean "your key is wrong" into their own messages.
public enum HTTPError: RetryClassifiedError, Equatable {
    /// No answer: refused, reset, timed out, or the body stopped short. Transient.
    case unreachable(service: String, url: String, reason: String)
    /// An answer that is not a success after the retries this client makes.
    case status(service: String, url: String, code: Int, excerpt: String)
    /// A 429 or 503 with `Retry-After`: the server said when to come back, and the
    /// activity's next attempt waits that long instead of its policy's interval.
    case throttled(service: String, url: String, code: Int, retryAfter: Double, excerpt: String)
    /// A success whose JSON stops short (a connection or proxy cut it). Transient.
    case truncatedBody(service: String, url: String, excerpt: String)
    /// A success whose body is not what the API documents (an HTML page, malformed JSON).
    case unreadableBody(service: String, url: String, reason: String, excerpt: String)
    /// A base URL from the environment that cannot be used.
    case invalidBaseURL(variable: String, value: String)

    public var isRetryable: Bool {
        switch self {
        case .unreachable, .throttled, .truncatedBody: true
        case .status(_, _, let code, _): code == 429 || code == 408 || code >= 500
        case .unreadableBody, .invalidBaseURL: false
        }
    }

    public var failureType: String {
        switch self {
        case .unreachable: "ServiceUnreachable"
        case .status(_, _, let code, _): code == 401 || code == 403 ? "AuthenticationFailed" : isRetryable ? "ServiceUnavailable" : "RequestRejected"
        case .throttled: "ServiceUnavailable"
        case .truncatedBody: "TruncatedResponse"
        case .unreadableBody: "UnreadableResponse"
        case .invalidBaseURL: "ConfigurationError"
        }
    }

    /// The server's `Retry-After`, in seconds, for the activity's next attempt.
    public var retryAfter: Double? {
        if case .throttled(_, _, _, let seconds, _) = self { return seconds }
        return nil
    }

    /// What went wrong without the service and URL, for a retry's log line.
    var reason: String {
        switch self {
        case .unreachable(_, _, let reason): reason
        case .status(_, _, let code, _), .throttled(_, _, let code, _, _): "HTTP \(code)"
        case .truncatedBody: "the body stops short"
        case .unreadableBody(_, _, let reason, _): reason
        case .invalidBaseURL: description
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let service, let url, let reason):
            "\(service) did not answer \(url): \(reason); check the network and the service's status, then run again"
        case .status(let service, let url, let code, let excerpt):
            "\(service) answered HTTP \(code) to \(url)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
        case .throttled(let service, let url, let code, let retryAfter, let excerpt):
            "\(service) answered HTTP \(code) to \(url) and asked to wait \(Int(retryAfter.rounded(.up))) s (Retry-After)"
                + (excerpt.isEmpty ? "" : ": \(excerpt)")
        case .truncatedBody(let service, let url, let excerpt):
            "\(service) sent an answer to \(url) that stops short (cut-off JSON); it began: \(excerpt)"
        case .unreadableBody(let service, let url, let reason, let excerpt):
            "\(service) sent an unreadable answer to \(url) (\(reason)); it began: \(excerpt)"
        case .invalidBaseURL(let variable, let value):
            "\(variable) \"\(value)\" is not an http(s) URL; set it to the service's base URL (e.g. https://api.example.com)"
        }
    }
}

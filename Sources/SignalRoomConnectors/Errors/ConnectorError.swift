import SignalRoomCore
import SignalRoomPipelines

/// What a connector found wrong with a service's answer or its own settings.
public enum ConnectorError: RetryClassifiedError, Equatable {
    /// The service refused the credentials (401/403): retrying will not help.
    case credentialsRefused(service: String, variable: String, status: Int, detail: String)
    /// A value in an answer that the documented shape does not allow.
    case unexpectedValue(service: String, location: String, field: String, value: String, expected: String)
    /// An answer whose overall shape is not the documented one.
    case unexpectedShape(service: String, url: String, expected: String, excerpt: String)
    /// S3 said no for a reason that is about the settings (no such bucket, access denied).
    case storageRefused(code: String, message: String, hint: String)
    /// A setting that is present but cannot be used.
    case invalidSetting(variable: String, value: String, expected: String)

    public var isRetryable: Bool { false }

    public var failureType: String {
        switch self {
        case .credentialsRefused: "AuthenticationFailed"
        case .invalidSetting, .storageRefused: "ConfigurationError"
        case .unexpectedValue, .unexpectedShape: "InvalidInput"
        }
    }

    public var description: String {
        switch self {
        case .credentialsRefused(let service, let variable, let status, let detail):
            "\(service) refused the credentials in \(variable) (HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")); check \(variable) and run again"
        case .unexpectedValue(let service, let location, let field, let value, let expected):
            "\(service) \(location): field \(field) is \(value); expected \(expected)"
        case .unexpectedShape(let service, let url, let expected, let excerpt):
            "\(service) answered \(url) with something other than \(expected); it began: \(excerpt)"
        case .storageRefused(let code, let message, let hint):
            "S3 refused the request (\(code)\(message.isEmpty ? "" : ": \(message)")); \(hint)"
        case .invalidSetting(let variable, let value, let expected):
            "\(variable) is \"\(value)\"; expected \(expected)"
        }
    }
}

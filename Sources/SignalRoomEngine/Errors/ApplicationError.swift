/// The error activities and workflows throw to control retries: its `type` is what a retry
/// policy's `nonRetryableErrorTypes` matches, `isNonRetryable` stops retries outright, and
/// `nextRetryDelay` overrides the policy's interval (an HTTP 429 that says how long to wait).
public struct ApplicationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var type: String
    public var isNonRetryable: Bool
    public var nextRetryDelay: Duration?

    public init(_ message: String, type: String = "ApplicationError", isNonRetryable: Bool = false,
                nextRetryDelay: Duration? = nil) {
        self.message = message
        self.type = type
        self.isNonRetryable = isNonRetryable
        self.nextRetryDelay = nextRetryDelay
    }

    public var description: String { message }

    /// Bad input that no retry can fix (non-retryable under the default policy).
    public static func invalidInput(_ message: String) -> ApplicationError {
        ApplicationError(message, type: "InvalidInput")
    }

    /// Data that is not there and will not appear by retrying (non-retryable by default).
    public static func missingData(_ message: String) -> ApplicationError {
        ApplicationError(message, type: "MissingData")
    }
}

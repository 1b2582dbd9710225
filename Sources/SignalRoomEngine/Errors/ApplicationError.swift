import SignalRoomCore

/// The error activities and workflows throw to control retries: its `type` is what a retry
/// policy's `nonRetryableErrorTypes` matches, `isNonRetryable` stops retries outright, and
/// `nextRetryDelay` overrides the policy's interval (an HTTP 429 that says how long to wait).
///
/// It is Temporal's name for the one classified error of SignalRoom (`RetryClassifiedError`):
/// the engine reads any classified error the same way, so a connector's or a warehouse's own
/// error type needs no translation into this one.
public struct ApplicationError: RetryClassifiedError, Sendable {
    public var message: String
    public var type: String
    public var isNonRetryable: Bool
    public var nextRetryDelay: Duration?

    public init(
        _ message: String, type: String = "ApplicationError", isNonRetryable: Bool = false,
        nextRetryDelay: Duration? = nil
    ) {
        self.message = message
        self.type = type
        self.isNonRetryable = isNonRetryable
        self.nextRetryDelay = nextRetryDelay
    }

    public var description: String { message }
    public var isRetryable: Bool { !isNonRetryable }
    public var failureType: String { type }
    public var retryAfter: Double? { nextRetryDelay.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } }

    /// Bad input that no retry can fix (non-retryable under the default policy).
    public static func invalidInput(_ message: String) -> ApplicationError {
        ApplicationError(message, type: "InvalidInput")
    }

    /// Data that is not there and will not appear by retrying (non-retryable by default).
    public static func missingData(_ message: String) -> ApplicationError {
        ApplicationError(message, type: "MissingData")
    }
}

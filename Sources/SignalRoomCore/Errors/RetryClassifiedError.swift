/// An error whose cause says whether trying again can help. Errors that do not conform
/// are taken as transient: the load stays resumable for the next attempt.
public protocol RetryClassifiedError: Error, CustomStringConvertible {
    var isRetryable: Bool { get }
    /// The failure type histories record (what retry policies match on).
    var failureType: String { get }
    /// Seconds the service asked to wait (`Retry-After`) before the next attempt; nil lets
    /// the retry policy choose.
    var retryAfter: Double? { get }
}

extension RetryClassifiedError {
    public var failureType: String { isRetryable ? "TransientError" : "InvalidInput" }
    public var retryAfter: Double? { nil }
}

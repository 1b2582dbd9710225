import Foundation
import SignalRoomCore

/// How an activity is retried, with Temporal's semantics.
///
/// The interval before attempt n+1 is `min(initialInterval × backoffCoefficientⁿ⁻¹,
/// maximumInterval)`. A failure is not retried when it is marked non-retryable or its type
/// is listed in `nonRetryableErrorTypes`.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Wait before the second attempt.
    public var initialInterval: Duration
    /// Growth of the wait from one attempt to the next; at least 1.
    public var backoffCoefficient: Double
    /// Cap on the wait between attempts; nil means 100 × `initialInterval`, as in Temporal.
    public var maximumInterval: Duration?
    /// Attempts in all, the first included; 0 means unlimited (bounded only by timeouts).
    public var maximumAttempts: Int
    /// Failure type names that are never retried.
    public var nonRetryableErrorTypes: [String]

    public init(
        initialInterval: Duration = .seconds(1), backoffCoefficient: Double = 2.0,
        maximumInterval: Duration? = nil, maximumAttempts: Int = 0,
        nonRetryableErrorTypes: [String] = []
    ) {
        self.initialInterval = initialInterval
        self.backoffCoefficient = max(1, backoffCoefficient)
        self.maximumInterval = maximumInterval
        self.maximumAttempts = max(0, maximumAttempts)
        self.nonRetryableErrorTypes = nonRetryableErrorTypes
    }

    /// The original platform's policy: 1 s, ×2, at most 5 min apart, 5 attempts, and bad
    /// input or missing data not retried.
    public static let `default` = RetryPolicy(
        initialInterval: .seconds(1), backoffCoefficient: 2.0, maximumInterval: .seconds(300),
        maximumAttempts: 5, nonRetryableErrorTypes: ["InvalidInput", "MissingData"])

    /// One attempt only.
    public static let never = RetryPolicy(maximumAttempts: 1)

    /// The wait after failed attempt `attempt` (1-based) before the next one.
    public func interval(afterAttempt attempt: Int) -> Duration {
        let initial = initialInterval.seconds
        let cap = (maximumInterval ?? initialInterval * 100).seconds
        let exponent = Double(max(0, attempt - 1))
        let raw = initial * pow(backoffCoefficient, exponent)
        return .seconds(min(raw.isFinite ? raw : cap, cap))
    }

    /// Whether a failure of this kind may be retried at all (attempt counts aside).
    public func allowsRetry(of failure: Failure) -> Bool {
        !failure.nonRetryable && !nonRetryableErrorTypes.contains(failure.type)
    }

    /// Whether attempt `attempt` may be followed by another.
    public func hasAttemptsLeft(after attempt: Int) -> Bool {
        maximumAttempts == 0 || attempt < maximumAttempts
    }

    public init(from decoder: Decoder) throws {
        try self.init(json: try JSONObjectReader(try JSONValue(from: decoder), context: "RetryPolicy"))
    }

    public func encode(to encoder: Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension Duration {
    /// The duration in seconds, as histories store it.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

import SignalRoomCore
/// How one activity call is bounded and retried.
public struct ActivityOptions: Sendable, Hashable, Codable {
    /// Limit on one attempt, from its start to its result; the attempt is cancelled when it
    /// passes and counts as a failed attempt (`StartToCloseTimeout`).
    public var startToCloseTimeout: Duration
    /// Limit on all attempts together, from scheduling to the final result; nil for none.
    public var scheduleToCloseTimeout: Duration?
    /// An attempt that has not heartbeated for this long is cancelled and counts as failed;
    /// nil for no heartbeat requirement.
    public var heartbeatTimeout: Duration?
    public var retryPolicy: RetryPolicy

    public init(
        startToCloseTimeout: Duration = .seconds(300), scheduleToCloseTimeout: Duration? = nil,
        heartbeatTimeout: Duration? = nil, retryPolicy: RetryPolicy = .default
    ) {
        self.startToCloseTimeout = startToCloseTimeout
        self.scheduleToCloseTimeout = scheduleToCloseTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.retryPolicy = retryPolicy
    }

    public init(from decoder: Decoder) throws {
        try self.init(json: try JSONObjectReader(try JSONValue(from: decoder), context: "ActivityOptions"))
    }

    public func encode(to encoder: Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// Why an activity's retries ended (or that they go on), as Temporal names it.
public enum RetryState: String, Sendable, Codable, Hashable {
    case inProgress
    case maximumAttemptsReached
    case nonRetryableFailure
    case timeout
    case cancelRequested
}

/// Which limit an attempt ran into.
public enum TimeoutType: String, Sendable, Codable, Hashable {
    case startToClose
    case scheduleToClose
    case heartbeat
}

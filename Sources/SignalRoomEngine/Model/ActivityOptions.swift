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

    public init(startToCloseTimeout: Duration = .seconds(300), scheduleToCloseTimeout: Duration? = nil,
                heartbeatTimeout: Duration? = nil, retryPolicy: RetryPolicy = .default) {
        self.startToCloseTimeout = startToCloseTimeout
        self.scheduleToCloseTimeout = scheduleToCloseTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.retryPolicy = retryPolicy
    }

    enum CodingKeys: String, CodingKey {
        case startToCloseTimeout, scheduleToCloseTimeout, heartbeatTimeout, retryPolicy
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        startToCloseTimeout = .seconds(try container.decode(Double.self, forKey: .startToCloseTimeout))
        scheduleToCloseTimeout = try container.decodeIfPresent(Double.self, forKey: .scheduleToCloseTimeout).map { .seconds($0) }
        heartbeatTimeout = try container.decodeIfPresent(Double.self, forKey: .heartbeatTimeout).map { .seconds($0) }
        retryPolicy = try container.decode(RetryPolicy.self, forKey: .retryPolicy)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startToCloseTimeout.seconds, forKey: .startToCloseTimeout)
        try container.encodeIfPresent(scheduleToCloseTimeout?.seconds, forKey: .scheduleToCloseTimeout)
        try container.encodeIfPresent(heartbeatTimeout?.seconds, forKey: .heartbeatTimeout)
        try container.encode(retryPolicy, forKey: .retryPolicy)
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

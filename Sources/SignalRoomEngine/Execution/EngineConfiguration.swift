import Foundation
import SignalRoomCore

/// How the engine behaves in this process. Built once by the caller (the CLI reads flags
/// and environment) and passed down; the engine reads no environment itself.
public struct EngineConfiguration: Sendable {
    /// Waits (timers, retry backoffs) longer than this park the run instead of being slept
    /// through: the run records its wake-up time, releases its lock and a later
    /// invocation resumes it.
    public var parkThreshold: Duration
    /// How often a running activity or an in-process wait checks for cancel and terminate
    /// requests and for heartbeat timeouts.
    public var pollInterval: Duration
    /// Recorded as the owner of started runs and attempts (`pid@host`).
    public var identity: String
    public var clock: @Sendable () -> Date
    public var log: @Sendable (LogRecord) -> Void
    /// Called after every durable append with the id of the last event written. For crash
    /// tests that kill the process at each event boundary; a no-op otherwise.
    public var afterDurableAppend: @Sendable (Int) -> Void
    /// Cleans text before it is written to a history or a log: the caller masks secrets
    /// (API keys in URLs, tokens) that error descriptions from libraries may carry.
    public var redact: @Sendable (String) -> String

    public init(
        parkThreshold: Duration = .seconds(5), pollInterval: Duration = .milliseconds(100),
        identity: String? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        log: @escaping @Sendable (LogRecord) -> Void = { _ in },
        afterDurableAppend: @escaping @Sendable (Int) -> Void = { _ in },
        redact: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.redact = redact
        self.parkThreshold = parkThreshold
        self.pollInterval = pollInterval
        self.identity = identity ?? PosixFile.identity
        self.clock = clock
        self.log = log
        self.afterDurableAppend = afterDurableAppend
    }
}

extension EngineConfiguration {
    /// An error as histories record it, with its text (and its causes') redacted.
    func describe(_ error: Error) -> Failure {
        Failure(describing: error).redacted(with: redact)
    }
}

/// A log line from the engine or from workflow code; the executable decides where it goes.
public struct LogRecord: Sendable {
    public enum Level: String, Sendable { case debug, info, warning, error }
    public var level: Level
    public var message: String
    public var metadata: [String: String]
}

/// How one execution of a run ended.
public enum RunOutcome: Sendable, Equatable {
    case completed(JSONValue)
    case failed(Failure)
    case canceled
    case terminated(reason: String)
    /// The run waits for a timer or a retry backoff and was left for a later invocation.
    case parked(until: Date)

    public var status: RunStatus {
        switch self {
        case .completed: .completed
        case .failed: .failed
        case .canceled: .canceled
        case .terminated: .terminated
        case .parked: .running
        }
    }
}

import Foundation
import SignalRoomCore

/// What an activity attempt knows about itself and how it reports progress.
///
/// Cancellation (the workflow was cancelled, the attempt timed out, the run was
/// terminated) arrives as Swift task cancellation: `Task.isCancelled` turns true and
/// `Task.sleep`, `heartbeat` and cancellable I/O throw `CancellationError`.
public struct ActivityContext: Sendable {
    public struct Info: Sendable {
        public var workflowId: String
        public var runId: String
        public var workflowType: String
        public var activityType: String
        /// The activity's `ActivityTaskScheduled` event id: stable across attempts.
        public var activityId: Int
    }

    public let info: Info
    /// 1 for the first attempt.
    public let attempt: Int
    /// When this attempt is cancelled for running too long (start-to-close, or the
    /// schedule-to-close limit if that comes first).
    public let deadline: Date
    /// The details of the last durable heartbeat of an earlier attempt (or of this one).
    public let lastHeartbeatDetails: JSONValue?
    let journal: RunJournal

    /// Decodes the last heartbeat details, if any, as the type the activity wrote.
    public func lastHeartbeatDetails<T: Decodable>(as type: T.Type) -> T? {
        try? lastHeartbeatDetails?.decode(type)
    }

    public var isCancelled: Bool { Task.isCancelled }

    /// Reports liveness and, with details, records a durable checkpoint: when this attempt
    /// dies or times out, the next attempt sees the details in `lastHeartbeatDetails`.
    /// Each call with details costs one disk sync; checkpoint per unit of real work.
    /// Throws `CancellationError` once the attempt is cancelled.
    public func heartbeat<Details: Encodable>(_ details: Details) async throws {
        try Task.checkCancellation()
        try await journal.heartbeat(scheduledEventId: info.activityId, attempt: attempt, details: try JSONValue(encoding: details))
    }

    /// Reports liveness without a checkpoint (for the heartbeat timeout).
    public func heartbeat() async throws {
        try Task.checkCancellation()
        try await journal.heartbeat(scheduledEventId: info.activityId, attempt: attempt, details: nil)
    }
}

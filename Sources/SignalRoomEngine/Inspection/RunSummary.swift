import Foundation
import SignalRoomCore

/// What a run's history says about it, derived by reading the events once: status,
/// timings, the activity in progress, the last failure and when it wants to wake up.
public struct RunSummary: Sendable, Hashable {
    public var workflowId: String
    public var runId: String
    public var workflowType: String
    public var status: RunStatus
    public var startTime: Date
    public var closeTime: Date?
    public var input: JSONValue
    public var result: JSONValue?
    public var failure: Failure?
    public var lastActivityFailure: Failure?
    public var pendingActivity: PendingActivity?
    public var pendingTimerFireTime: Date?
    public var cancelRequested: Bool
    public var eventCount: Int

    public struct PendingActivity: Sendable, Hashable {
        public var scheduledEventId: Int
        public var activityType: String
        /// The attempt running now, or the next one when waiting out a backoff.
        public var attempt: Int
        public var nextAttemptTime: Date?
        public var lastHeartbeatDetails: JSONValue?
    }

    /// When the run wants to be resumed: a timer's fire time or the next retry attempt.
    public var wakeUpTime: Date? { pendingTimerFireTime ?? pendingActivity?.nextAttemptTime }

    public init?(events: [HistoryEvent]) {
        guard let first = events.first, case .workflowExecutionStarted(let started) = first.attributes else { return nil }
        workflowId = started.workflowId
        runId = started.runId
        workflowType = started.workflowType
        input = started.input
        startTime = first.time
        status = .running
        cancelRequested = false
        eventCount = events.count
        var scheduled: [Int: String] = [:]
        for event in events {
            switch event.attributes {
            case .activityTaskScheduled(let a):
                scheduled[event.eventId] = a.activityType
                pendingActivity = PendingActivity(scheduledEventId: event.eventId, activityType: a.activityType, attempt: 1)
            case .activityTaskStarted(let a):
                pendingActivity?.attempt = a.attempt
                pendingActivity?.nextAttemptTime = nil
            case .activityTaskHeartbeatRecorded(let a):
                pendingActivity?.lastHeartbeatDetails = a.details
            case .activityTaskCompleted, .activityTaskCanceled:
                pendingActivity = nil
            case .activityTaskFailed(let a):
                lastActivityFailure = a.failure
                settle(attempt: a.attempt, next: a.nextAttemptTime)
            case .activityTaskTimedOut(let a):
                lastActivityFailure = RunJournal.timeoutFailure(a.timeoutType)
                settle(attempt: a.attempt, next: a.nextAttemptTime)
            case .timerStarted(let a): pendingTimerFireTime = a.fireTime
            case .timerFired, .timerCanceled: pendingTimerFireTime = nil
            case .workflowExecutionCancelRequested: cancelRequested = true
            case .workflowExecutionCompleted(let a): result = a.result
            case .workflowExecutionFailed(let a): failure = a.failure
            case .workflowExecutionTerminated(let a):
                failure = Failure(message: "terminated: \(a.reason)", type: "Terminated")
            default: break
            }
            if let closing = event.attributes.closingStatus {
                status = closing
                closeTime = event.time
                pendingActivity = nil
                pendingTimerFireTime = nil
            }
        }
    }

    private mutating func settle(attempt: Int, next: Date?) {
        if let next {
            pendingActivity?.attempt = attempt + 1
            pendingActivity?.nextAttemptTime = next
        } else {
            pendingActivity = nil
        }
    }
}

import Foundation
import SignalRoomCore

/// One readable line of detail per event, for `workflow show` and the console's history
/// table alike; each passes its own way of writing times and durations and how much of a
/// long value to keep.
public struct EventSummary: Sendable {
    public var time: @Sendable (Date) -> String
    public var duration: @Sendable (Double) -> String
    /// Inputs, results and heartbeat details longer than this are cut, with "...".
    public var valueLimit: Int

    public init(time: @escaping @Sendable (Date) -> String, duration: @escaping @Sendable (Double) -> String, valueLimit: Int) {
        self.time = time
        self.duration = duration
        self.valueLimit = valueLimit
    }

    public func text(_ event: HistoryEvent) -> String {
        switch event.attributes {
        case .workflowExecutionStarted(let a): "\(a.workflowType) input=\(short(a.input)) by \(a.identity)"
        case .workflowExecutionCompleted(let a): "result=\(short(a.result))"
        case .workflowExecutionFailed(let a): "\(a.failure.type): \(a.failure.message)"
        case .workflowExecutionCancelRequested(let a): "by \(a.identity)\(a.reason.map { ": \($0)" } ?? "")"
        case .workflowExecutionCanceled(let a): a.reason ?? ""
        case .workflowExecutionTerminated(let a): "\(a.reason) (by \(a.identity))"
        case .activityTaskScheduled(let a):
            "\(a.activityType) input=\(short(a.input)) start-to-close=\(duration(a.options.startToCloseTimeout.seconds)) max-attempts=\(a.options.retryPolicy.maximumAttempts)"
        case .activityTaskStarted(let a): "activity \(a.scheduledEventId) attempt \(a.attempt) by \(a.identity)"
        case .activityTaskHeartbeatRecorded(let a): "activity \(a.scheduledEventId) attempt \(a.attempt) details=\(short(a.details))"
        case .activityTaskCompleted(let a): "activity \(a.scheduledEventId) attempt \(a.attempt) result=\(short(a.result))"
        case .activityTaskFailed(let a):
            "activity \(a.scheduledEventId) attempt \(a.attempt) \(a.failure.type): \(a.failure.message); \(retry(a.retryState, a.nextAttemptTime))"
        case .activityTaskTimedOut(let a):
            "activity \(a.scheduledEventId) attempt \(a.attempt) \(a.timeoutType.rawValue); \(retry(a.retryState, a.nextAttemptTime))"
        case .activityTaskCancelRequested(let a): "activity \(a.scheduledEventId)"
        case .activityTaskCanceled(let a): "activity \(a.scheduledEventId) attempt \(a.attempt)"
        case .timerStarted(let a): "\(duration(a.durationSeconds)), fires at \(time(a.fireTime))"
        case .timerFired(let a): "timer \(a.startedEventId)"
        case .timerCanceled(let a): "timer \(a.startedEventId)"
        }
    }

    private func retry(_ state: RetryState, _ next: Date?) -> String {
        next.map { "next attempt at \(time($0))" } ?? "no retry (\(state.rawValue))"
    }

    private func short(_ value: JSONValue) -> String {
        let text = value.compactText
        return text.count > valueLimit ? String(text.prefix(valueLimit - 3)) + "..." : text
    }
}

import Foundation
import SignalRoomCore

/// `workflow retry` and `schedule rerun`: a new run of the same workflow id, type and input
/// (and schedule attribution, so a fire time's run still reports on its day), recording
/// which run it retries.
///
/// Reusing completed activities (DBOS's fork, Temporal's reset) copies the longest prefix of
/// the old history after which nothing was in flight: every activity scheduled in it had
/// completed and every timer had fired, and no cancel had been asked for. The new run replays
/// that prefix, so those activities return their recorded results without running, and goes
/// on live from the step that failed. The started event keeps the old one's time and random
/// seed, so the workflow code sees the same clock and draws the same values while it replays.
extension WorkflowEngine {
    /// The new run, claimed, and how many completed activities it reuses.
    public struct Retry: Sendable {
        public let claimed: ClaimedRun
        public let reusedActivities: Int
    }

    public func retry(_ source: RunReference, reuseCompletedActivities: Bool) throws -> Retry {
        let history = try store.history(of: source)
        guard let first = history.first, case .workflowExecutionStarted(var started) = first.attributes else {
            throw RetryError.noStartEvent(source)
        }
        guard let status = RunSummary(events: history)?.status, status.isClosed else { throw RetryError.stillOpen(source) }
        guard status != .completed else { throw RetryError.completed(source) }
        guard registry.hasWorkflow(started.workflowType) else {
            throw EngineError.unknownWorkflowType(started.workflowType, known: registry.workflowNames)
        }
        let now = Timestamp.truncated(configuration.clock())
        let runId = RunReference.newRunId(at: now)
        started.runId = runId
        started.identity = configuration.identity
        started.retriedFrom = source.runId
        let reused = reuseCompletedActivities ? Self.reusablePrefix(of: history) : []
        let startedEvent = HistoryEvent(
            eventId: 1, time: reuseCompletedActivities ? first.time : now, attributes: .workflowExecutionStarted(started))
        let lease = try store.createRun(workflowId: source.workflowId, workflowType: started.workflowType, runId: runId, started: startedEvent)
        if !reused.isEmpty { try lease.append(reused) }
        configuration.afterDurableAppend(1 + reused.count)
        let activities = reused.filter { if case .activityTaskCompleted = $0.attributes { true } else { false } }.count
        return Retry(claimed: ClaimedRun(lease: lease), reusedActivities: activities)
    }

    /// The events after the start up to the last point where nothing was in flight.
    static func reusablePrefix(of history: [HistoryEvent]) -> [HistoryEvent] {
        var openActivities = Set<Int>()
        var openTimers = Set<Int>()
        var cut = 1
        for (index, event) in history.enumerated().dropFirst() {
            switch event.attributes {
            case .activityTaskScheduled: openActivities.insert(event.eventId)
            case .activityTaskCompleted(let completed): openActivities.remove(completed.scheduledEventId)
            case .timerStarted: openTimers.insert(event.eventId)
            case .timerFired(let fired): openTimers.remove(fired.startedEventId)
            case .workflowExecutionStarted, .workflowExecutionCompleted, .workflowExecutionFailed, .workflowExecutionCancelRequested,
                .workflowExecutionCanceled, .workflowExecutionTerminated, .activityTaskCancelRequested, .activityTaskCanceled, .timerCanceled:
                return Array(history[1..<cut])
            case .activityTaskStarted, .activityTaskHeartbeatRecorded, .activityTaskFailed, .activityTaskTimedOut:
                break
            }
            if openActivities.isEmpty && openTimers.isEmpty { cut = index + 1 }
        }
        return Array(history[1..<cut])
    }
}

public enum RetryError: Error, Sendable, CustomStringConvertible {
    case stillOpen(RunReference)
    case completed(RunReference)
    case noStartEvent(RunReference)

    public var description: String {
        switch self {
        case .stillOpen(let run):
            "run \(run.runId) of \(run.workflowId) is still open: only a failed, cancelled or terminated run can be retried (`signalroom workflow resume \(run.workflowId)` carries it on)"
        case .completed(let run):
            "run \(run.runId) of \(run.workflowId) completed: there is nothing to retry; `signalroom workflow start` starts a new run"
        case .noStartEvent(let run):
            "run \(run.runId) of \(run.workflowId) has no readable start event, so it cannot be retried; `signalroom workflow show \(run.workflowId)` shows what is there"
        }
    }
}

import Foundation
import SignalRoomCore

/// A run's history as Temporal's `temporal.api.history.v1.History` in its proto3 JSON form,
/// the form `temporal workflow show --output json` prints and Temporal's SDKs read back
/// (Python: `WorkflowHistory.from_json`). An export for people and tools that know Temporal.
///
/// ```swift
/// let history = TemporalHistory.json(events)
/// FileHandle.standardOutput.write(try history.encoded())
/// ```
///
/// Guarantees: one Temporal event per event, in order, with the same `eventId`, so every
/// `scheduledEventId` and `startedEventId` names the same event in both histories. Enum values
/// use their full proto names (`EVENT_TYPE_TIMER_FIRED`, `RETRY_STATE_IN_PROGRESS`), 64-bit
/// integers are strings, durations are `"1.500s"`, times are RFC 3339 UTC with milliseconds,
/// and payloads are `json/plain` with our compact JSON as their data.
///
/// Not carried over: the `WorkflowTask*` events Temporal writes around each batch of commands
/// (we have no workflow tasks, and inventing them would renumber every event), an activity
/// failure's next attempt time (Temporal keeps it outside history) and a timer's fire time
/// (its start time plus `startToFireTimeout`).
public enum TemporalHistory {
    /// The `History` message of one run's events, in the order the store returns them. Does
    /// not fail: every event type has a Temporal form.
    public static func json(_ events: [HistoryEvent]) -> JSONValue {
        var activities = ActivityAttempts()
        return .object(["events": .array(events.map { activities.temporalEvent($0) })])
    }

    /// What later events of an activity refer back to: Temporal's completion events name the
    /// attempt's started event, and its started event carries the previous attempt's failure
    /// because Temporal writes no event for a failed attempt that is retried.
    private struct ActivityAttempts {
        var started: [Int: (eventId: Int, identity: String)] = [:]
        var lastFailure: [Int: JSONValue] = [:]
        var lastHeartbeat: [Int: JSONValue] = [:]
        var cancelRequested: [Int: Int] = [:]

        mutating func temporalEvent(_ event: HistoryEvent) -> JSONValue {
            let (eventType, attributes) = temporalAttributes(event)
            return .object([
                "eventId": int64(event.eventId), "eventTime": JSONValue(event.time),
                "eventType": JSONValue("EVENT_TYPE_" + protoEnumName(eventType)), attributesKey(eventType): attributes.value,
            ])
        }

        private mutating func temporalAttributes(_ event: HistoryEvent) -> (eventType: String, JSONObjectBuilder) {
            var o = JSONObjectBuilder()
            switch event.attributes {
            case .workflowExecutionStarted(let a):
                o["workflowType"] = .object(["name": JSONValue(a.workflowType)])
                o["workflowId"] = JSONValue(a.workflowId)
                o["input"] = payloads(a.input)
                o["identity"] = JSONValue(a.identity)
                o["attempt"] = JSONValue(1)
                o["firstExecutionRunId"] = JSONValue(a.runId)
                o["originalExecutionRunId"] = JSONValue(a.runId)
                o["memo"] = memo(a)
                o["searchAttributes"] = a.schedule.map(scheduleSearchAttributes)
            case .workflowExecutionCompleted(let a):
                o["result"] = payloads(a.result)
            case .workflowExecutionFailed(let a):
                o["failure"] = failure(a.failure)
                // A run is retried by hand (`workflow retry`), never by a workflow retry policy.
                o["retryState"] = JSONValue("RETRY_STATE_" + protoEnumName("retryPolicyNotSet"))
            case .workflowExecutionCancelRequested(let a):
                o["cause"] = a.reason.map(JSONValue.init)
                o["identity"] = JSONValue(a.identity)
            case .workflowExecutionCanceled(let a):
                o["details"] = a.reason.map { payloads(JSONValue($0)) }
            case .workflowExecutionTerminated(let a):
                o["reason"] = JSONValue(a.reason)
                o["identity"] = JSONValue(a.identity)
            case .activityTaskScheduled(let a):
                // Temporal's activity id only has to be unique within the run; the scheduled
                // event id is, and it is the name our own events use for the activity.
                o["activityId"] = JSONValue(String(event.eventId))
                o["activityType"] = .object(["name": JSONValue(a.activityType)])
                o["input"] = payloads(a.input)
                o["startToCloseTimeout"] = duration(a.options.startToCloseTimeout)
                o["scheduleToCloseTimeout"] = a.options.scheduleToCloseTimeout.map(duration)
                o["heartbeatTimeout"] = a.options.heartbeatTimeout.map(duration)
                o["retryPolicy"] = retryPolicy(a.options.retryPolicy)
            case .activityTaskStarted(let a):
                started[a.scheduledEventId] = (event.eventId, a.identity)
                o["scheduledEventId"] = int64(a.scheduledEventId)
                o["attempt"] = JSONValue(a.attempt)
                o["identity"] = JSONValue(a.identity)
                o["lastFailure"] = lastFailure[a.scheduledEventId]
            case .activityTaskHeartbeatRecorded(let a):
                // Temporal keeps heartbeat details outside history (and reports the latest in a
                // heartbeat timeout's failure, as we do below). A marker keeps the checkpoint
                // visible and the event ids contiguous; the SDKs' own markers have other names.
                lastHeartbeat[a.scheduledEventId] = a.details
                o["markerName"] = JSONValue("heartbeat")
                o["details"] = .object([
                    "details": payloads(a.details), "scheduledEventId": payloads(JSONValue(a.scheduledEventId)),
                    "attempt": payloads(JSONValue(a.attempt)),
                ])
                return ("MarkerRecorded", o)
            case .activityTaskCompleted(let a):
                o["result"] = payloads(a.result)
                attempt(of: a.scheduledEventId, into: &o)
            case .activityTaskFailed(let a):
                let failure = failure(a.failure)
                lastFailure[a.scheduledEventId] = failure
                o["failure"] = failure
                o["retryState"] = JSONValue("RETRY_STATE_" + protoEnumName(a.retryState.rawValue))
                attempt(of: a.scheduledEventId, into: &o)
            case .activityTaskTimedOut(let a):
                let failure = timeoutFailure(a.timeoutType, lastHeartbeat: lastHeartbeat[a.scheduledEventId])
                lastFailure[a.scheduledEventId] = failure
                o["failure"] = failure
                o["retryState"] = JSONValue("RETRY_STATE_" + protoEnumName(a.retryState.rawValue))
                // No identity: in Temporal the server, not the worker, reports a timeout.
                o["scheduledEventId"] = int64(a.scheduledEventId)
                o["startedEventId"] = started[a.scheduledEventId].map { int64($0.eventId) }
            case .activityTaskCancelRequested(let a):
                cancelRequested[a.scheduledEventId] = event.eventId
                o["scheduledEventId"] = int64(a.scheduledEventId)
            case .activityTaskCanceled(let a):
                o["latestCancelRequestedEventId"] = cancelRequested[a.scheduledEventId].map(int64)
                attempt(of: a.scheduledEventId, into: &o)
            case .timerStarted(let a):
                // Our timers are named by their started event, as `TimerFired` refers to them.
                o["timerId"] = JSONValue(String(event.eventId))
                o["startToFireTimeout"] = duration(.seconds(a.durationSeconds))
            case .timerFired(let a):
                o["timerId"] = JSONValue(String(a.startedEventId))
                o["startedEventId"] = int64(a.startedEventId)
            case .timerCanceled(let a):
                o["timerId"] = JSONValue(String(a.startedEventId))
                o["startedEventId"] = int64(a.startedEventId)
            }
            return (event.eventType, o)
        }

        /// What Temporal's completion events carry besides their outcome: the activity, its
        /// attempt's started event and the worker that ran it.
        private func attempt(of scheduledEventId: Int, into o: inout JSONObjectBuilder) {
            o["scheduledEventId"] = int64(scheduledEventId)
            o["startedEventId"] = started[scheduledEventId].map { int64($0.eventId) }
            o["identity"] = started[scheduledEventId].map { JSONValue($0.identity) }
        }
    }
}

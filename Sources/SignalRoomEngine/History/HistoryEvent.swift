import Foundation
import SignalRoomCore

/// One line of a run's history. Event ids are consecutive from 1; `time` has millisecond
/// precision. Event type names are Temporal's, plus `ActivityTaskHeartbeatRecorded` for
/// heartbeat-details checkpoints.
///
/// Wire format (version 1, one JSON object per line):
/// `{"attributes":{…},"eventId":3,"eventTime":"2026-11-25T04:29:16.123Z","eventType":"ActivityTaskScheduled","sum":"1a2b3c4d"}`
/// where `sum` is the CRC-32 of the line written without it (see `EventLineCodec`).
public struct HistoryEvent: Sendable, Hashable {
    public var eventId: Int
    public var time: Date
    public var attributes: EventAttributes

    public init(eventId: Int, time: Date, attributes: EventAttributes) {
        self.eventId = eventId
        self.time = time
        self.attributes = attributes
    }

    public var eventType: String { attributes.eventType }
}

/// The attributes of each event type.
public enum EventAttributes: Sendable, Hashable {
    case workflowExecutionStarted(WorkflowExecutionStarted)
    case workflowExecutionCompleted(WorkflowExecutionCompleted)
    case workflowExecutionFailed(WorkflowExecutionFailed)
    case workflowExecutionCancelRequested(WorkflowExecutionCancelRequested)
    case workflowExecutionCanceled(WorkflowExecutionCanceled)
    case workflowExecutionTerminated(WorkflowExecutionTerminated)
    case activityTaskScheduled(ActivityTaskScheduled)
    case activityTaskStarted(ActivityTaskStarted)
    case activityTaskHeartbeatRecorded(ActivityTaskHeartbeatRecorded)
    case activityTaskCompleted(ActivityTaskCompleted)
    case activityTaskFailed(ActivityTaskFailed)
    case activityTaskTimedOut(ActivityTaskTimedOut)
    case activityTaskCancelRequested(ActivityTaskCancelRequested)
    case activityTaskCanceled(ActivityTaskCanceled)
    case timerStarted(TimerStarted)
    case timerFired(TimerFired)
    case timerCanceled(TimerCanceled)

    public var eventType: String {
        switch self {
        case .workflowExecutionStarted: "WorkflowExecutionStarted"
        case .workflowExecutionCompleted: "WorkflowExecutionCompleted"
        case .workflowExecutionFailed: "WorkflowExecutionFailed"
        case .workflowExecutionCancelRequested: "WorkflowExecutionCancelRequested"
        case .workflowExecutionCanceled: "WorkflowExecutionCanceled"
        case .workflowExecutionTerminated: "WorkflowExecutionTerminated"
        case .activityTaskScheduled: "ActivityTaskScheduled"
        case .activityTaskStarted: "ActivityTaskStarted"
        case .activityTaskHeartbeatRecorded: "ActivityTaskHeartbeatRecorded"
        case .activityTaskCompleted: "ActivityTaskCompleted"
        case .activityTaskFailed: "ActivityTaskFailed"
        case .activityTaskTimedOut: "ActivityTaskTimedOut"
        case .activityTaskCancelRequested: "ActivityTaskCancelRequested"
        case .activityTaskCanceled: "ActivityTaskCanceled"
        case .timerStarted: "TimerStarted"
        case .timerFired: "TimerFired"
        case .timerCanceled: "TimerCanceled"
        }
    }

    /// The run's final status if this event closes it.
    public var closingStatus: RunStatus? {
        switch self {
        case .workflowExecutionCompleted: .completed
        case .workflowExecutionFailed: .failed
        case .workflowExecutionCanceled: .canceled
        case .workflowExecutionTerminated: .terminated
        default: nil
        }
    }

    /// The activity (its `ActivityTaskScheduled` event id) this event belongs to, if any.
    public var scheduledEventId: Int? {
        switch self {
        case .activityTaskStarted(let a): a.scheduledEventId
        case .activityTaskHeartbeatRecorded(let a): a.scheduledEventId
        case .activityTaskCompleted(let a): a.scheduledEventId
        case .activityTaskFailed(let a): a.scheduledEventId
        case .activityTaskTimedOut(let a): a.scheduledEventId
        case .activityTaskCancelRequested(let a): a.scheduledEventId
        case .activityTaskCanceled(let a): a.scheduledEventId
        default: nil
        }
    }
}

public struct WorkflowExecutionStarted: Sendable, Hashable {
    public var workflowType: String
    public var workflowId: String
    public var runId: String
    public var input: JSONValue
    /// Seeds `context.random` and `context.uuid` so replays draw the same values.
    public var randomSeed: UInt64
    /// The process that started the run (`pid@host`).
    public var identity: String
    /// Version of the history format; 1 is the format documented on `HistoryEvent`.
    public var historyFormat: Int
    /// Set when a schedule started the run: which one, and the fire time it stands for
    /// (a run started late after an outage still reports on its scheduled time).
    public var schedule: ScheduleAttribution?
    /// Set on a run `workflow retry` (or `schedule rerun`) started: the run it retries.
    /// Absent in histories written before it existed, which read as before.
    public var retriedFrom: String? = nil
}

/// The schedule fire time a run was started for.
public struct ScheduleAttribution: Sendable, Hashable {
    public var scheduleId: String
    public var fireTime: Date

    public init(scheduleId: String, fireTime: Date) {
        self.scheduleId = scheduleId
        self.fireTime = fireTime
    }
}

public struct WorkflowExecutionCompleted: Sendable, Hashable { public var result: JSONValue }
public struct WorkflowExecutionFailed: Sendable, Hashable { public var failure: Failure }
public struct WorkflowExecutionCancelRequested: Sendable, Hashable {
    public var reason: String?
    public var identity: String
}
public struct WorkflowExecutionCanceled: Sendable, Hashable { public var reason: String? }
public struct WorkflowExecutionTerminated: Sendable, Hashable {
    public var reason: String
    public var identity: String
}

public struct ActivityTaskScheduled: Sendable, Hashable {
    public var activityType: String
    public var input: JSONValue
    public var options: ActivityOptions
}
public struct ActivityTaskStarted: Sendable, Hashable {
    public var scheduledEventId: Int
    public var attempt: Int
    public var identity: String
}
public struct ActivityTaskHeartbeatRecorded: Sendable, Hashable {
    public var scheduledEventId: Int
    public var attempt: Int
    public var details: JSONValue
}
public struct ActivityTaskCompleted: Sendable, Hashable {
    public var scheduledEventId: Int
    public var attempt: Int
    public var result: JSONValue
}
/// One failed attempt. `nextAttemptTime` is set when a retry follows (`retryState`
/// `inProgress`); otherwise this failure is the activity's final result.
public struct ActivityTaskFailed: Sendable, Hashable {
    public var scheduledEventId: Int
    public var attempt: Int
    public var failure: Failure
    public var retryState: RetryState
    public var nextAttemptTime: Date?
}
/// One attempt that ran out of time; retried like a failure.
public struct ActivityTaskTimedOut: Sendable, Hashable {
    public var scheduledEventId: Int
    public var attempt: Int
    public var timeoutType: TimeoutType
    public var retryState: RetryState
    public var nextAttemptTime: Date?
}
public struct ActivityTaskCancelRequested: Sendable, Hashable { public var scheduledEventId: Int }
public struct ActivityTaskCanceled: Sendable, Hashable {
    public var scheduledEventId: Int
    public var attempt: Int
}

public struct TimerStarted: Sendable, Hashable {
    public var durationSeconds: Double
    public var fireTime: Date
}
public struct TimerFired: Sendable, Hashable { public var startedEventId: Int }
public struct TimerCanceled: Sendable, Hashable { public var startedEventId: Int }

/// A run's status as histories and indexes report it.
public enum RunStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case running, completed, failed, canceled, terminated

    public var isClosed: Bool { self != .running }
}

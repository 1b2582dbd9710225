import Foundation
import SignalRoomCore

/// The wire format of events (version 1, see `HistoryEvent`), mapped by hand: one
/// definition serves history lines, `workflow show --json` and `Codable`.
extension HistoryEvent {
    var json: JSONValue {
        .object([
            "eventId": JSONValue(eventId), "eventTime": JSONValue(time), "eventType": JSONValue(eventType),
            "attributes": attributes.json,
        ])
    }

    init(json: JSONValue) throws {
        let event = try JSONObjectReader(json, context: "event")
        eventId = try event.int("eventId")
        time = try event.date("eventTime")
        attributes = try EventAttributes(type: try event.string("eventType"), json: try event.object("attributes"))
    }
}

extension HistoryEvent: Codable {
    public init(from decoder: Decoder) throws {
        try self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension EventAttributes {
    var json: JSONValue {
        var o = JSONObjectBuilder()
        switch self {
        case .workflowExecutionStarted(let a):
            o["workflowType"] = JSONValue(a.workflowType); o["workflowId"] = JSONValue(a.workflowId); o["runId"] = JSONValue(a.runId)
            o["input"] = a.input; o["randomSeed"] = .int(Int64(bitPattern: a.randomSeed)); o["identity"] = JSONValue(a.identity)
            o["historyFormat"] = JSONValue(a.historyFormat)
            o["schedule"] = a.schedule.map { .object(["scheduleId": JSONValue($0.scheduleId), "fireTime": JSONValue($0.fireTime)]) }
            o["retriedFrom"] = a.retriedFrom.map(JSONValue.init)
        case .workflowExecutionCompleted(let a): o["result"] = a.result
        case .workflowExecutionFailed(let a): o["failure"] = a.failure.json
        case .workflowExecutionCancelRequested(let a): o["reason"] = a.reason.map(JSONValue.init); o["identity"] = JSONValue(a.identity)
        case .workflowExecutionCanceled(let a): o["reason"] = a.reason.map(JSONValue.init)
        case .workflowExecutionTerminated(let a): o["reason"] = JSONValue(a.reason); o["identity"] = JSONValue(a.identity)
        case .activityTaskScheduled(let a):
            o["activityType"] = JSONValue(a.activityType); o["input"] = a.input; o["options"] = a.options.json
        case .activityTaskStarted(let a):
            o["scheduledEventId"] = JSONValue(a.scheduledEventId); o["attempt"] = JSONValue(a.attempt); o["identity"] = JSONValue(a.identity)
        case .activityTaskHeartbeatRecorded(let a):
            o["scheduledEventId"] = JSONValue(a.scheduledEventId); o["attempt"] = JSONValue(a.attempt); o["details"] = a.details
        case .activityTaskCompleted(let a):
            o["scheduledEventId"] = JSONValue(a.scheduledEventId); o["attempt"] = JSONValue(a.attempt); o["result"] = a.result
        case .activityTaskFailed(let a):
            o["scheduledEventId"] = JSONValue(a.scheduledEventId); o["attempt"] = JSONValue(a.attempt); o["failure"] = a.failure.json
            o["retryState"] = JSONValue(a.retryState.rawValue); o["nextAttemptTime"] = a.nextAttemptTime.map(JSONValue.init)
        case .activityTaskTimedOut(let a):
            o["scheduledEventId"] = JSONValue(a.scheduledEventId); o["attempt"] = JSONValue(a.attempt)
            o["timeoutType"] = JSONValue(a.timeoutType.rawValue); o["retryState"] = JSONValue(a.retryState.rawValue)
            o["nextAttemptTime"] = a.nextAttemptTime.map(JSONValue.init)
        case .activityTaskCancelRequested(let a): o["scheduledEventId"] = JSONValue(a.scheduledEventId)
        case .activityTaskCanceled(let a): o["scheduledEventId"] = JSONValue(a.scheduledEventId); o["attempt"] = JSONValue(a.attempt)
        case .timerStarted(let a): o["durationSeconds"] = JSONValue(a.durationSeconds); o["fireTime"] = JSONValue(a.fireTime)
        case .timerFired(let a): o["startedEventId"] = JSONValue(a.startedEventId)
        case .timerCanceled(let a): o["startedEventId"] = JSONValue(a.startedEventId)
        }
        return o.value
    }

    init(type: String, json a: JSONObjectReader) throws {
        switch type {
        case "WorkflowExecutionStarted":
            self = .workflowExecutionStarted(
                .init(
                    workflowType: try a.string("workflowType"), workflowId: try a.string("workflowId"), runId: try a.string("runId"),
                    input: try a.value("input"), randomSeed: try a.bitPattern("randomSeed"), identity: try a.string("identity"),
                    historyFormat: try a.int("historyFormat"),
                    schedule: try a.optionalObject("schedule").map {
                        ScheduleAttribution(scheduleId: try $0.string("scheduleId"), fireTime: try $0.date("fireTime"))
                    }, retriedFrom: try a.optionalString("retriedFrom")))
        case "WorkflowExecutionCompleted": self = .workflowExecutionCompleted(.init(result: try a.value("result")))
        case "WorkflowExecutionFailed": self = .workflowExecutionFailed(.init(failure: try Failure(json: try a.object("failure"))))
        case "WorkflowExecutionCancelRequested":
            self = .workflowExecutionCancelRequested(.init(reason: try a.optionalString("reason"), identity: try a.string("identity")))
        case "WorkflowExecutionCanceled": self = .workflowExecutionCanceled(.init(reason: try a.optionalString("reason")))
        case "WorkflowExecutionTerminated":
            self = .workflowExecutionTerminated(.init(reason: try a.string("reason"), identity: try a.string("identity")))
        case "ActivityTaskScheduled":
            self = .activityTaskScheduled(
                .init(
                    activityType: try a.string("activityType"), input: try a.value("input"),
                    options: try ActivityOptions(json: try a.object("options"))))
        case "ActivityTaskStarted":
            self = .activityTaskStarted(
                .init(
                    scheduledEventId: try a.int("scheduledEventId"), attempt: try a.int("attempt"),
                    identity: try a.string("identity")))
        case "ActivityTaskHeartbeatRecorded":
            self = .activityTaskHeartbeatRecorded(
                .init(
                    scheduledEventId: try a.int("scheduledEventId"), attempt: try a.int("attempt"),
                    details: try a.value("details")))
        case "ActivityTaskCompleted":
            self = .activityTaskCompleted(
                .init(
                    scheduledEventId: try a.int("scheduledEventId"), attempt: try a.int("attempt"),
                    result: try a.value("result")))
        case "ActivityTaskFailed":
            self = .activityTaskFailed(
                .init(
                    scheduledEventId: try a.int("scheduledEventId"), attempt: try a.int("attempt"),
                    failure: try Failure(json: try a.object("failure")),
                    retryState: try a.enumeration("retryState", RetryState.self),
                    nextAttemptTime: try a.optionalDate("nextAttemptTime")))
        case "ActivityTaskTimedOut":
            self = .activityTaskTimedOut(
                .init(
                    scheduledEventId: try a.int("scheduledEventId"), attempt: try a.int("attempt"),
                    timeoutType: try a.enumeration("timeoutType", TimeoutType.self),
                    retryState: try a.enumeration("retryState", RetryState.self),
                    nextAttemptTime: try a.optionalDate("nextAttemptTime")))
        case "ActivityTaskCancelRequested": self = .activityTaskCancelRequested(.init(scheduledEventId: try a.int("scheduledEventId")))
        case "ActivityTaskCanceled":
            self = .activityTaskCanceled(.init(scheduledEventId: try a.int("scheduledEventId"), attempt: try a.int("attempt")))
        case "TimerStarted":
            self = .timerStarted(.init(durationSeconds: try a.double("durationSeconds"), fireTime: try a.date("fireTime")))
        case "TimerFired": self = .timerFired(.init(startedEventId: try a.int("startedEventId")))
        case "TimerCanceled": self = .timerCanceled(.init(startedEventId: try a.int("startedEventId")))
        default: throw JSONObjectReader.Failure(description: "unknown event type `\(type)`")
        }
    }
}

extension Failure {
    var json: JSONValue {
        var o = JSONObjectBuilder()
        o["message"] = JSONValue(message)
        o["type"] = JSONValue(type)
        if nonRetryable { o["nonRetryable"] = .bool(true) }
        o["cause"] = cause?.json
        return o.value
    }

    init(json f: JSONObjectReader) throws {
        self.init(
            message: try f.string("message"), type: try f.string("type"), nonRetryable: try f.bool("nonRetryable", default: false),
            cause: try f.optionalObject("cause").map(Failure.init(json:)))
    }
}

extension ActivityOptions {
    var json: JSONValue {
        var o = JSONObjectBuilder()
        o["startToCloseTimeout"] = JSONValue(startToCloseTimeout.seconds)
        o["scheduleToCloseTimeout"] = scheduleToCloseTimeout.map { JSONValue($0.seconds) }
        o["heartbeatTimeout"] = heartbeatTimeout.map { JSONValue($0.seconds) }
        o["retryPolicy"] = retryPolicy.json
        return o.value
    }

    init(json o: JSONObjectReader) throws {
        self.init(
            startToCloseTimeout: .seconds(try o.double("startToCloseTimeout")),
            scheduleToCloseTimeout: try o.optionalDouble("scheduleToCloseTimeout").map { .seconds($0) },
            heartbeatTimeout: try o.optionalDouble("heartbeatTimeout").map { .seconds($0) },
            retryPolicy: try RetryPolicy(json: try o.object("retryPolicy")))
    }
}

extension RetryPolicy {
    var json: JSONValue {
        var o = JSONObjectBuilder()
        o["initialInterval"] = JSONValue(initialInterval.seconds)
        o["backoffCoefficient"] = JSONValue(backoffCoefficient)
        o["maximumInterval"] = maximumInterval.map { JSONValue($0.seconds) }
        o["maximumAttempts"] = JSONValue(maximumAttempts)
        if !nonRetryableErrorTypes.isEmpty { o["nonRetryableErrorTypes"] = .array(nonRetryableErrorTypes.map(JSONValue.init)) }
        return o.value
    }

    init(json o: JSONObjectReader) throws {
        self.init(
            initialInterval: .seconds(try o.double("initialInterval")), backoffCoefficient: try o.double("backoffCoefficient"),
            maximumInterval: try o.optionalDouble("maximumInterval").map { .seconds($0) },
            maximumAttempts: try o.int("maximumAttempts"), nonRetryableErrorTypes: try o.strings("nonRetryableErrorTypes"))
    }
}

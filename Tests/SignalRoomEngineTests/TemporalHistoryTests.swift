import Foundation
import Testing
import SignalRoomCore
@testable import SignalRoomEngine

/// DESIGN §9: a history exported as Temporal's `History` in proto3 JSON keeps every event, its
/// id and what it refers to, with Temporal's enum names, string int64s, proto durations and
/// `json/plain` payloads. (That temporalio reads it is checked by the CLI tests with
/// Tests/Support/temporal_history_check.py.)
@Suite("Temporal history export")
struct TemporalHistoryTests {
    static let start = Timestamp.parse("2026-11-25T04:29:16.123Z")!
    static let runId = "019abc12-3456-7def-8123-456789abcdef"

    static let extract = ActivityOptions(
        startToCloseTimeout: .seconds(30), scheduleToCloseTimeout: .milliseconds(12_500), heartbeatTimeout: .milliseconds(1500),
        retryPolicy: .default)

    static let serverError = Failure(
        message: "HTTP 503 from api.everflow.io", type: "ServerError",
        cause: Failure(message: "connection reset", type: "NetworkError", nonRetryable: true))

    /// A run that goes through every event type: an activity failing, timing out and then
    /// completing, a timer firing, a non-retryable failure, a canceled timer and activity,
    /// and every way a run closes.
    static let samples: [EventAttributes] = [
        .workflowExecutionStarted(
            .init(
                workflowType: "SyncSourceWorkflow", workflowId: "daily-sync-s3", runId: runId,
                input: .object(["source": .string("s3"), "resources": .array([.string("orders")])]),
                randomSeed: UInt64.max - 7, identity: "4242@worker-1", historyFormat: 1,
                schedule: ScheduleAttribution(scheduleId: "daily-sync-s3", fireTime: Timestamp.parse("2026-11-25T04:00:00.000Z")!),
                retriedFrom: "019abc00-0000-7000-8000-000000000000")),
        .activityTaskScheduled(.init(activityType: "ExtractResource", input: .object(["resource": .string("orders")]), options: extract)),
        .activityTaskStarted(.init(scheduledEventId: 2, attempt: 1, identity: "4242@worker-1")),
        .activityTaskHeartbeatRecorded(.init(scheduledEventId: 2, attempt: 1, details: .object(["page": .int(17)]))),
        .activityTaskFailed(
            .init(
                scheduledEventId: 2, attempt: 1, failure: serverError, retryState: .inProgress,
                nextAttemptTime: Timestamp.parse("2026-11-25T04:29:19.123Z")!)),
        .activityTaskStarted(.init(scheduledEventId: 2, attempt: 2, identity: "4243@worker-1")),
        .activityTaskTimedOut(
            .init(
                scheduledEventId: 2, attempt: 2, timeoutType: .heartbeat, retryState: .inProgress,
                nextAttemptTime: Timestamp.parse("2026-11-25T04:29:22.123Z")!)),
        .activityTaskStarted(.init(scheduledEventId: 2, attempt: 3, identity: "4244@worker-1")),
        .activityTaskCompleted(.init(scheduledEventId: 2, attempt: 3, result: .object(["rows": .int(1_234_567)]))),
        .timerStarted(.init(durationSeconds: 0.25, fireTime: Timestamp.parse("2026-11-25T04:29:21.373Z")!)),
        .timerFired(.init(startedEventId: 10)),
        .activityTaskScheduled(
            .init(activityType: "Notify", input: .string("done"), options: ActivityOptions(startToCloseTimeout: .seconds(10), retryPolicy: .never))),
        .activityTaskStarted(.init(scheduledEventId: 12, attempt: 1, identity: "4244@worker-1")),
        .activityTaskFailed(
            .init(
                scheduledEventId: 12, attempt: 1, failure: Failure(message: "no channel `ops`", type: "InvalidInput", nonRetryable: true),
                retryState: .nonRetryableFailure, nextAttemptTime: nil)),
        .timerStarted(.init(durationSeconds: 3600, fireTime: Timestamp.parse("2026-11-25T05:29:23.123Z")!)),
        .workflowExecutionCancelRequested(.init(reason: "wrong date range", identity: "77@laptop")),
        .timerCanceled(.init(startedEventId: 15)),
        .activityTaskScheduled(.init(activityType: "Cleanup", input: .null, options: ActivityOptions())),
        .activityTaskStarted(.init(scheduledEventId: 18, attempt: 1, identity: "4244@worker-1")),
        .activityTaskCancelRequested(.init(scheduledEventId: 18)),
        .activityTaskCanceled(.init(scheduledEventId: 18, attempt: 1)),
        .workflowExecutionCanceled(.init(reason: "wrong date range")),
        .workflowExecutionCompleted(.init(result: .object(["rows": .int(1_234_567)]))),
        .workflowExecutionFailed(
            .init(failure: Failure(message: "activity ExtractResource failed", type: "ActivityFailure", cause: serverError))),
        .workflowExecutionTerminated(.init(reason: "stuck", identity: "1@ops")),
    ]

    static let history = samples.enumerated().map { index, attributes in
        HistoryEvent(eventId: index + 1, time: start.addingTimeInterval(Double(index) * 0.5), attributes: attributes)
    }

    static let events: [JSONValue] = {
        guard case .array(let events)? = TemporalHistory.json(history)["events"] else { return [] }
        return events
    }()

    /// The attributes of the event with this id, from the one `*EventAttributes` member it has.
    func attributes(_ eventId: Int) throws -> JSONValue {
        guard case .object(let members) = Self.events[eventId - 1] else { throw Unexpected("event \(eventId) is not an object") }
        let keys = members.keys.filter { $0.hasSuffix("EventAttributes") }
        guard keys.count == 1, let value = members[keys[0]] else { throw Unexpected("event \(eventId) has attributes \(keys)") }
        return value
    }

    /// The JSON inside a `json/plain` payload, after checking its encoding.
    func decoded(_ payload: JSONValue?) throws -> JSONValue {
        guard case .string(let encoding)? = payload?["metadata"]?["encoding"], case .string(let data)? = payload?["data"],
            Data(base64Encoded: encoding) == Data("json/plain".utf8), let bytes = Data(base64Encoded: data)
        else { throw Unexpected("not a json/plain payload: \(payload?.compactText ?? "nil")") }
        return try JSONValue(parsing: bytes)
    }

    func firstPayload(_ payloads: JSONValue?) throws -> JSONValue {
        guard case .array(let list)? = payloads?["payloads"], list.count == 1 else {
            throw Unexpected("not one payload: \(payloads?.compactText ?? "nil")")
        }
        return try decoded(list[0])
    }

    struct Unexpected: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func samplesCoverEveryEventType() {
        #expect(Set(Self.samples.map(\.eventType)).count == 17)
    }

    @Test func everyEventKeepsItsIdAsAStringAndGetsTemporalsEventType() {
        #expect(Self.events.map { $0["eventId"] } == (1...25).map { .string(String($0)) })
        #expect(
            Self.events.map { $0["eventType"] }
                == [
                    "WORKFLOW_EXECUTION_STARTED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED", "MARKER_RECORDED",
                    "ACTIVITY_TASK_FAILED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT", "ACTIVITY_TASK_STARTED",
                    "ACTIVITY_TASK_COMPLETED", "TIMER_STARTED", "TIMER_FIRED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED",
                    "ACTIVITY_TASK_FAILED", "TIMER_STARTED", "WORKFLOW_EXECUTION_CANCEL_REQUESTED", "TIMER_CANCELED",
                    "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_CANCEL_REQUESTED", "ACTIVITY_TASK_CANCELED",
                    "WORKFLOW_EXECUTION_CANCELED", "WORKFLOW_EXECUTION_COMPLETED", "WORKFLOW_EXECUTION_FAILED",
                    "WORKFLOW_EXECUTION_TERMINATED",
                ].map { .string("EVENT_TYPE_" + $0) })
    }

    @Test func everyEventHasTheAttributesMemberOfItsType() throws {
        for (index, event) in Self.events.enumerated() {
            guard case .string(let type)? = event["eventType"] else { throw Unexpected("event \(index + 1) has no type") }
            let camel = type.dropFirst("EVENT_TYPE_".count).lowercased().split(separator: "_").enumerated()
                .map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
            #expect(event[camel + "EventAttributes"] != nil, "event \(index + 1): \(event.compactText)")
        }
    }

    @Test func eventTimesAreRFC3339UTCWithMilliseconds() {
        #expect(Self.events[0]["eventTime"] == .string("2026-11-25T04:29:16.123Z"))
        #expect(Self.events[3]["eventTime"] == .string("2026-11-25T04:29:17.623Z"))
    }

    @Test func startCarriesTypeInputRunIdsAndTheFieldsTemporalLacksAsMemo() throws {
        let started = try attributes(1)
        #expect(started["workflowType"]?["name"] == .string("SyncSourceWorkflow"))
        #expect(started["workflowId"] == .string("daily-sync-s3"))
        #expect(try firstPayload(started["input"]) == .object(["source": .string("s3"), "resources": .array([.string("orders")])]))
        #expect(started["attempt"] == .int(1))
        #expect(started["originalExecutionRunId"] == .string(Self.runId))
        #expect(started["firstExecutionRunId"] == .string(Self.runId))
        #expect(started["identity"] == .string("4242@worker-1"))
        let memo = started["memo"]?["fields"]
        #expect(try decoded(memo?["randomSeed"]) == .string(String(UInt64.max - 7)))
        #expect(try decoded(memo?["retriedFrom"]) == .string("019abc00-0000-7000-8000-000000000000"))
        let search = started["searchAttributes"]?["indexedFields"]
        #expect(try decoded(search?["TemporalScheduledById"]) == .string("daily-sync-s3"))
        #expect(try decoded(search?["TemporalScheduledStartTime"]) == .string("2026-11-25T04:00:00.000Z"))
    }

    @Test func scheduledActivityHasProtoDurationsAndTheRetryPolicy() throws {
        let scheduled = try attributes(2)
        #expect(scheduled["activityId"] == .string("2"))
        #expect(scheduled["activityType"]?["name"] == .string("ExtractResource"))
        #expect(try firstPayload(scheduled["input"]) == .object(["resource": .string("orders")]))
        #expect(scheduled["startToCloseTimeout"] == .string("30s"))
        #expect(scheduled["scheduleToCloseTimeout"] == .string("12.500s"))
        #expect(scheduled["heartbeatTimeout"] == .string("1.500s"))
        let policy = scheduled["retryPolicy"]
        #expect(policy?["initialInterval"] == .string("1s"))
        #expect(policy?["backoffCoefficient"] == .double(2))
        #expect(policy?["maximumInterval"] == .string("300s"))
        #expect(policy?["maximumAttempts"] == .int(5))
        #expect(policy?["nonRetryableErrorTypes"] == .array([.string("InvalidInput"), .string("MissingData")]))
        #expect(try attributes(12)["retryPolicy"]?["maximumInterval"] == nil)
        #expect(try attributes(18)["scheduleToCloseTimeout"] == nil)
    }

    @Test func failedAttemptKeepsMessageTypeCauseAndRetryState() throws {
        let failed = try attributes(5)
        #expect(failed["scheduledEventId"] == .string("2"))
        #expect(failed["startedEventId"] == .string("3"))
        #expect(failed["retryState"] == .string("RETRY_STATE_IN_PROGRESS"))
        let failure = failed["failure"]
        #expect(failure?["message"] == .string("HTTP 503 from api.everflow.io"))
        #expect(failure?["applicationFailureInfo"]?["type"] == .string("ServerError"))
        #expect(failure?["applicationFailureInfo"]?["nonRetryable"] == nil)
        #expect(failure?["cause"]?["message"] == .string("connection reset"))
        #expect(failure?["cause"]?["applicationFailureInfo"]?["nonRetryable"] == .bool(true))
        #expect(try attributes(14)["retryState"] == .string("RETRY_STATE_NON_RETRYABLE_FAILURE"))
    }

    @Test func retriedAttemptStartsWithThePreviousAttemptsFailure() throws {
        #expect(try attributes(3)["lastFailure"] == nil)
        #expect(try attributes(6)["lastFailure"]?["message"] == .string("HTTP 503 from api.everflow.io"))
        #expect(try attributes(8)["lastFailure"]?["timeoutFailureInfo"]?["timeoutType"] == .string("TIMEOUT_TYPE_HEARTBEAT"))
    }

    @Test func timeoutNamesItsTypeAndCarriesTheLatestHeartbeatDetails() throws {
        let timedOut = try attributes(7)
        #expect(timedOut["startedEventId"] == .string("6"))
        #expect(timedOut["retryState"] == .string("RETRY_STATE_IN_PROGRESS"))
        let info = timedOut["failure"]?["timeoutFailureInfo"]
        #expect(info?["timeoutType"] == .string("TIMEOUT_TYPE_HEARTBEAT"))
        #expect(try firstPayload(info?["lastHeartbeatDetails"]) == .object(["page": .int(17)]))
    }

    @Test func heartbeatBecomesAMarkerNamedHeartbeat() throws {
        let marker = try attributes(4)
        #expect(marker["markerName"] == .string("heartbeat"))
        #expect(try firstPayload(marker["details"]?["details"]) == .object(["page": .int(17)]))
        #expect(try firstPayload(marker["details"]?["scheduledEventId"]) == .int(2))
        #expect(try firstPayload(marker["details"]?["attempt"]) == .int(1))
    }

    @Test func completionNamesTheLatestStartedAttempt() throws {
        let completed = try attributes(9)
        #expect(completed["scheduledEventId"] == .string("2"))
        #expect(completed["startedEventId"] == .string("8"))
        #expect(completed["identity"] == .string("4244@worker-1"))
        #expect(try firstPayload(completed["result"]) == .object(["rows": .int(1_234_567)]))
    }

    @Test func timersAreNamedByTheirStartedEvent() throws {
        #expect(try attributes(10)["timerId"] == .string("10"))
        #expect(try attributes(10)["startToFireTimeout"] == .string("0.250s"))
        #expect(try attributes(11)["timerId"] == .string("10"))
        #expect(try attributes(11)["startedEventId"] == .string("10"))
        #expect(try attributes(15)["startToFireTimeout"] == .string("3600s"))
        #expect(try attributes(17)["timerId"] == .string("15"))
    }

    @Test func cancellationNamesTheRequestAndTheReason() throws {
        #expect(try attributes(16)["cause"] == .string("wrong date range"))
        #expect(try attributes(16)["identity"] == .string("77@laptop"))
        let canceled = try attributes(21)
        #expect(canceled["latestCancelRequestedEventId"] == .string("20"))
        #expect(canceled["startedEventId"] == .string("19"))
        #expect(try firstPayload(try attributes(22)["details"]) == .string("wrong date range"))
    }

    @Test func closingEventsCarryResultFailureAndReason() throws {
        #expect(try firstPayload(try attributes(23)["result"]) == .object(["rows": .int(1_234_567)]))
        let failed = try attributes(24)
        #expect(failed["retryState"] == .string("RETRY_STATE_RETRY_POLICY_NOT_SET"))
        #expect(failed["failure"]?["activityFailureInfo"] == .object([:]))
        #expect(failed["failure"]?["cause"]?["applicationFailureInfo"]?["type"] == .string("ServerError"))
        #expect(try attributes(25)["reason"] == .string("stuck"))
        #expect(try attributes(25)["identity"] == .string("1@ops"))
    }
}

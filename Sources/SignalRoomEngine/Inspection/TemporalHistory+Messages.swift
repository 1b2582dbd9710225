import Foundation
import SignalRoomCore

/// The messages of Temporal's API that events are built from (`temporal.api.common.v1`,
/// `temporal.api.failure.v1`, `google.protobuf.Duration`), in proto3 JSON.
extension TemporalHistory {
    /// A `Payloads` holding one value; SignalRoom payloads are always a single JSON value.
    static func payloads(_ value: JSONValue) -> JSONValue {
        .object(["payloads": .array([payload(value)])])
    }

    /// A `json/plain` payload, the encoding every SDK's default converter reads. Proto3 JSON
    /// writes `bytes` as base64, so the metadata values are base64 too.
    static func payload(_ value: JSONValue, type: String? = nil) -> JSONValue {
        var metadata = JSONObjectBuilder()
        metadata["encoding"] = base64(Data("json/plain".utf8))
        metadata["type"] = type.map { base64(Data($0.utf8)) }
        return .object(["metadata": metadata.value, "data": base64(JSONWriter.write(value))])
    }

    static func failure(_ failure: Failure) -> JSONValue {
        var o = JSONObjectBuilder()
        o["message"] = JSONValue(failure.message)
        o["source"] = JSONValue(failureSource)
        o["cause"] = failure.cause.map(Self.failure)
        // The failure kinds Temporal has its own info for keep that meaning (SDKs raise
        // `ActivityError` and `CancelledError` for them); every other type is an application
        // error, whose `type` is what retry policies match, as in ours.
        switch failure.type {
        case "ActivityFailure": o["activityFailureInfo"] = .object([:])
        case "CanceledError": o["canceledFailureInfo"] = .object([:])
        default:
            var info = JSONObjectBuilder()
            info["type"] = JSONValue(failure.type)
            if failure.nonRetryable { info["nonRetryable"] = .bool(true) }
            o["applicationFailureInfo"] = info.value
        }
        return o.value
    }

    /// An attempt's timeout as Temporal reports it, with the latest heartbeat details of the
    /// activity (from any attempt, as Temporal hands them to the next attempt).
    static func timeoutFailure(_ type: TimeoutType, lastHeartbeat: JSONValue?) -> JSONValue {
        var info = JSONObjectBuilder()
        info["timeoutType"] = JSONValue("TIMEOUT_TYPE_" + protoEnumName(type.rawValue))
        info["lastHeartbeatDetails"] = lastHeartbeat.map(payloads)
        return .object([
            "message": JSONValue(RunJournal.timeoutFailure(type).message), "source": JSONValue(failureSource),
            "timeoutFailureInfo": info.value,
        ])
    }

    static func retryPolicy(_ policy: RetryPolicy) -> JSONValue {
        var o = JSONObjectBuilder()
        o["initialInterval"] = duration(policy.initialInterval)
        o["backoffCoefficient"] = JSONValue(policy.backoffCoefficient)
        // Left out when nil: unset means 100 × the initial interval in Temporal too.
        o["maximumInterval"] = policy.maximumInterval.map(duration)
        o["maximumAttempts"] = JSONValue(policy.maximumAttempts)
        if !policy.nonRetryableErrorTypes.isEmpty {
            o["nonRetryableErrorTypes"] = .array(policy.nonRetryableErrorTypes.map(JSONValue.init))
        }
        return o.value
    }

    /// What a start records that Temporal has no field for, as memo entries, so the export
    /// keeps everything `workflow show` shows.
    static func memo(_ started: WorkflowExecutionStarted) -> JSONValue {
        var fields = JSONObjectBuilder()
        // A string, because a UInt64 is beyond what most JSON readers hold exactly.
        fields["randomSeed"] = payload(JSONValue(String(started.randomSeed)))
        fields["historyFormat"] = payload(JSONValue(started.historyFormat))
        fields["retriedFrom"] = started.retriedFrom.map { payload(JSONValue($0)) }
        return .object(["fields": fields.value])
    }

    /// The search attributes Temporal's own schedules set on the runs they start.
    static func scheduleSearchAttributes(_ schedule: ScheduleAttribution) -> JSONValue {
        .object([
            "indexedFields": .object([
                "TemporalScheduledById": payload(JSONValue(schedule.scheduleId), type: "Keyword"),
                "TemporalScheduledStartTime": payload(JSONValue(schedule.fireTime), type: "Datetime"),
            ])
        ])
    }

    /// A `google.protobuf.Duration` with 0, 3, 6 or 9 fractional digits, as proto3 JSON
    /// writers emit it (`"300s"`, `"1.500s"`).
    static func duration(_ duration: Duration) -> JSONValue {
        .string(durationText(duration))
    }

    private static func durationText(_ duration: Duration) -> String {
        if duration < .zero { return "-" + durationText(.zero - duration) }
        let (seconds, attoseconds) = duration.components
        let nanoseconds = attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return "\(seconds)s" }
        var fraction = String(nanoseconds)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("000") { fraction.removeLast(3) }
        return "\(seconds).\(fraction)s"
    }

    /// Proto3 JSON writes 64-bit integers (event ids) as strings.
    static func int64(_ number: Int) -> JSONValue {
        .string(String(number))
    }

    /// `ActivityTaskTimedOut` → `ACTIVITY_TASK_TIMED_OUT`, `inProgress` → `IN_PROGRESS`: our
    /// event types, retry states and timeout types carry Temporal's names, so the proto enum
    /// names follow from them.
    static func protoEnumName(_ name: String) -> String {
        var result = ""
        for (offset, character) in name.enumerated() {
            if character.isUppercase, offset > 0 { result += "_" }
            result += character.uppercased()
        }
        return result
    }

    /// `TimerFired` → `timerFiredEventAttributes`, the `HistoryEvent` field of that kind.
    static func attributesKey(_ eventType: String) -> String {
        eventType.prefix(1).lowercased() + eventType.dropFirst() + "EventAttributes"
    }

    private static let failureSource = "SignalRoom"

    private static func base64(_ bytes: Data) -> JSONValue {
        .string(bytes.base64EncodedString())
    }
}

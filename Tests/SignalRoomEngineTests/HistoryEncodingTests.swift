import Foundation
import Testing
import SignalRoomCore
@testable import SignalRoomEngine

/// DESIGN §3 and the wire format documented on `HistoryEvent`: every event type survives a
/// write and a read unchanged, timestamps are ISO 8601 UTC with milliseconds, and payloads
/// keep their JSON structure.
@Suite("History encoding")
struct HistoryEncodingTests {
    static let time = Timestamp.parse("2026-11-25T04:29:16.123Z")!

    static let failure = Failure(
        message: "HTTP 503 from api.everflow.io", type: "ServerError",
        cause: Failure(message: "connection reset", type: "NetworkError", nonRetryable: true))

    static let options = ActivityOptions(
        startToCloseTimeout: .seconds(30), scheduleToCloseTimeout: .seconds(600),
        heartbeatTimeout: .milliseconds(1500), retryPolicy: .default)

    /// One sample of every attribute type; `caseName` below keeps the list complete.
    static let samples: [EventAttributes] = [
        .workflowExecutionStarted(
            .init(
                workflowType: "SyncSourceWorkflow", workflowId: "daily-sync-s3-2026-11-25T00:00:00Z",
                runId: RunReference.newRunId(at: time),
                input: .object(["source": .string("s3"), "resources": .array([.string("orders")])]),
                randomSeed: UInt64.max - 7, identity: "4242@worker-1", historyFormat: 1)),
        .workflowExecutionCompleted(.init(result: .object(["rows": .int(1_234_567)]))),
        .workflowExecutionFailed(.init(failure: failure)),
        .workflowExecutionCancelRequested(.init(reason: "wrong date range", identity: "77@laptop")),
        .workflowExecutionCancelRequested(.init(reason: nil, identity: "77@laptop")),
        .workflowExecutionCanceled(.init(reason: nil)),
        .workflowExecutionCanceled(.init(reason: "asked by ops")),
        .workflowExecutionTerminated(.init(reason: "stuck", identity: "1@ops")),
        .activityTaskScheduled(.init(activityType: "ExtractResource", input: .array([.int(1), .double(2.5), .null]), options: options)),
        .activityTaskScheduled(.init(activityType: "Notify", input: .string("done"), options: ActivityOptions())),
        .activityTaskStarted(.init(scheduledEventId: 9, attempt: 2, identity: "4242@worker-1")),
        .activityTaskHeartbeatRecorded(.init(scheduledEventId: 9, attempt: 2, details: .object(["page": .int(17), "cursor": .string("abc")]))),
        .activityTaskCompleted(.init(scheduledEventId: 9, attempt: 2, result: .bool(true))),
        .activityTaskFailed(
            .init(
                scheduledEventId: 9, attempt: 1, failure: failure, retryState: .inProgress,
                nextAttemptTime: Timestamp.parse("2026-11-25T04:29:18.123Z")!)),
        .activityTaskFailed(
            .init(
                scheduledEventId: 9, attempt: 5, failure: Failure(message: "bad", type: "InvalidInput"),
                retryState: .nonRetryableFailure, nextAttemptTime: nil)),
        .activityTaskTimedOut(
            .init(
                scheduledEventId: 9, attempt: 3, timeoutType: .startToClose, retryState: .inProgress,
                nextAttemptTime: Timestamp.parse("2026-11-25T04:30:00.001Z")!)),
        .activityTaskTimedOut(
            .init(
                scheduledEventId: 9, attempt: 4, timeoutType: .heartbeat, retryState: .maximumAttemptsReached,
                nextAttemptTime: nil)),
        .activityTaskTimedOut(
            .init(
                scheduledEventId: 9, attempt: 4, timeoutType: .scheduleToClose, retryState: .timeout,
                nextAttemptTime: nil)),
        .activityTaskCancelRequested(.init(scheduledEventId: 9)),
        .activityTaskCanceled(.init(scheduledEventId: 9, attempt: 2)),
        .timerStarted(.init(durationSeconds: 3600, fireTime: Timestamp.parse("2026-11-25T05:29:16.123Z")!)),
        .timerStarted(.init(durationSeconds: 0.25, fireTime: Timestamp.parse("2026-11-25T04:29:16.373Z")!)),
        .timerFired(.init(startedEventId: 20)),
        .timerCanceled(.init(startedEventId: 21)),
    ]

    /// Exhaustive on purpose: adding an event type breaks this switch until a sample exists.
    static func caseName(_ attributes: EventAttributes) -> String {
        switch attributes {
        case .workflowExecutionStarted: "workflowExecutionStarted"
        case .workflowExecutionCompleted: "workflowExecutionCompleted"
        case .workflowExecutionFailed: "workflowExecutionFailed"
        case .workflowExecutionCancelRequested: "workflowExecutionCancelRequested"
        case .workflowExecutionCanceled: "workflowExecutionCanceled"
        case .workflowExecutionTerminated: "workflowExecutionTerminated"
        case .activityTaskScheduled: "activityTaskScheduled"
        case .activityTaskStarted: "activityTaskStarted"
        case .activityTaskHeartbeatRecorded: "activityTaskHeartbeatRecorded"
        case .activityTaskCompleted: "activityTaskCompleted"
        case .activityTaskFailed: "activityTaskFailed"
        case .activityTaskTimedOut: "activityTaskTimedOut"
        case .activityTaskCancelRequested: "activityTaskCancelRequested"
        case .activityTaskCanceled: "activityTaskCanceled"
        case .timerStarted: "timerStarted"
        case .timerFired: "timerFired"
        case .timerCanceled: "timerCanceled"
        }
    }

    static var sampleEvents: [HistoryEvent] {
        samples.enumerated().map { index, attributes in
            HistoryEvent(eventId: index + 1, time: time.addingTimeInterval(Double(index)), attributes: attributes)
        }
    }

    // MARK: Events

    @Test func samplesCoverEveryEventType() {
        #expect(Set(Self.samples.map(Self.caseName)).count == 17)
    }

    @Test(arguments: HistoryEncodingTests.sampleEvents)
    func everyEventRoundTripsThroughOneLine(_ event: HistoryEvent) throws {
        let line = try EventLineCodec.encode(event)
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        var renumbered = event
        renumbered.eventId = 1
        let decoded = try EventLineCodec.decode(try EventLineCodec.encode(renumbered), path: "sample.jsonl")
        #expect(decoded.events == [renumbered])
        #expect(!decoded.droppedTornTail)
    }

    @Test func wholeHistoryRoundTripsWithEventsInOrder() throws {
        let events = Self.sampleEvents
        var data = Data()
        for event in events { data.append(try EventLineCodec.encode(event)) }
        let decoded = try EventLineCodec.decode(data, path: "history.jsonl")
        #expect(decoded.events == events)
        #expect(decoded.validLength == data.count)
        #expect(!decoded.droppedTornTail)
    }

    @Test func lineUsesTemporalEventNamesAndAChecksumTrailer() throws {
        let event = HistoryEvent(
            eventId: 1, time: Self.time, attributes: .activityTaskStarted(.init(scheduledEventId: 2, attempt: 1, identity: "1@h")))
        let text = String(decoding: try EventLineCodec.encode(event), as: UTF8.self)
        #expect(text.hasPrefix(#"{"attributes":{"attempt":1,"identity":"1@h","scheduledEventId":2},"eventId":1,"#))
        #expect(text.contains(#""eventTime":"2026-11-25T04:29:16.123Z""#))
        #expect(text.contains(#""eventType":"ActivityTaskStarted""#))
        let trailer = try #require(text.range(of: #","sum":""#))
        let sum = text[trailer.upperBound...].prefix(8)
        #expect(sum.count == 8 && sum.allSatisfy(\.isHexDigit))
        #expect(text.hasSuffix("\"}\n"))
    }

    @Test func eventTypeNamesAreTemporals() {
        let names = Set(Self.samples.map(\.eventType))
        #expect(
            names == [
                "WorkflowExecutionStarted", "WorkflowExecutionCompleted", "WorkflowExecutionFailed",
                "WorkflowExecutionCancelRequested", "WorkflowExecutionCanceled", "WorkflowExecutionTerminated",
                "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskHeartbeatRecorded", "ActivityTaskCompleted",
                "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCancelRequested", "ActivityTaskCanceled",
                "TimerStarted", "TimerFired", "TimerCanceled",
            ])
    }

    @Test func failureCauseChainSurvivesEncoding() throws {
        let event = HistoryEvent(eventId: 1, time: Self.time, attributes: .workflowExecutionFailed(.init(failure: Self.failure)))
        let decoded = try EventLineCodec.decode(try EventLineCodec.encode(event), path: "h.jsonl").events
        guard case .workflowExecutionFailed(let attributes)? = decoded.first?.attributes else {
            Issue.record("expected WorkflowExecutionFailed, got \(decoded)")
            return
        }
        #expect(attributes.failure.cause?.type == "NetworkError")
        #expect(attributes.failure.cause?.nonRetryable == true)
        #expect(attributes.failure.rootCause.message == "connection reset")
    }

    @Test func unknownEventTypeIsReportedAsDamageWithItsName() throws {
        let body = #"{"attributes":{},"eventId":1,"eventTime":"2026-11-25T04:29:16.123Z","eventType":"WorkflowExecutionExploded"}"#
        var data = Data(body.utf8)
        let sum = String(format: "%08x", CRC32.checksum(data))
        data.removeLast()
        data.append(Data(#","sum":"\#(sum)"}"#.utf8))
        data.append(0x0A)
        data.append(try EventLineCodec.encode(HistoryEvent(eventId: 2, time: Self.time, attributes: .timerFired(.init(startedEventId: 1)))))
        let error = try #require(throws: HistoryDamagedError.self) { try EventLineCodec.decode(data, path: "x.jsonl") }
        #expect(error.line == 1)
        #expect(error.description.contains("WorkflowExecutionExploded"))
    }

    // MARK: Timestamps

    @Test func formatWritesUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_580_956.123)) == "2026-11-25T04:29:16.123Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
    }

    @Test func formatTruncatesToTheMillisecond() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_580_956.1239)) == "2026-11-25T04:29:16.123Z")
    }

    @Test(arguments: [
        "2026-11-25T04:29:16.123Z", "2026-01-01T00:00:00.000Z", "2026-12-31T23:59:59.999Z", "2024-02-29T12:00:00.001Z",
        "2000-01-01T00:00:00.000Z", "2099-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z",
        "1969-07-20T20:17:40.001Z", "1969-07-20T20:17:40.123Z", "1955-06-15T12:34:56.789Z", "1900-01-01T00:00:00.000Z",
        "1601-01-01T00:00:00.000Z",
    ])
    func formatOfParseIsTheSameText(_ text: String) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(date) == text)
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
    }

    @Test func datesBeforeNineteenSeventyFormatAsCivilTime() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: -86_400)) == "1969-12-31T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
        #expect(Timestamp.parse("1969-12-31T23:59:58.500Z") == Date(timeIntervalSince1970: -1.5))
        #expect(Timestamp.parse("1900-01-01T00:00:00Z") == Date(timeIntervalSince1970: -2_208_988_800))
    }

    /// Timestamps this run is writing now (this decade) must read back as the very same
    /// `Date`, or `context.now` would differ between the first execution and a replay.
    @Test func liveTimesReadBackAsTheSameDate() throws {
        let start = Timestamp.parse("2024-01-01T00:00:00.000Z")!.timeIntervalSince1970
        for step in 0..<5_000 {
            let raw = Date(timeIntervalSince1970: start + Double(step) * 60_013.0417)
            let written = Timestamp.truncated(raw)
            let text = Timestamp.format(written)
            #expect(Timestamp.parse(text) == written, "\(text)")
            #expect(Timestamp.format(try #require(Timestamp.parse(text))) == text)
        }
    }

    // Date keeps its value relative to 2001, so a millisecond read back from a history can
    // sit one ulp below its boundary; formatting must not drop it to the one before.
    @Test func oneMillisecondBeforeTheEpochRoundTrips() throws {
        let text = "1969-12-31T23:59:59.999Z"
        #expect(Timestamp.format(try #require(Timestamp.parse(text))) == text)
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.001)) == text)
        #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: -0.001))
    }

    @Test(arguments: ["1970-11-16T11:10:21.407Z", "2038-04-23T18:11:46.943Z", "2039-01-18T20:38:33.969Z"])
    func millisecondJustAboveFloatNoiseRoundTrips(_ text: String) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(date) == text)
        #expect(Timestamp.truncated(date) == date)
    }

    @Test(arguments: ["1969-01-01T00:00:00.000Z", "1975-01-01T00:00:00.000Z", "2038-01-01T00:00:00.000Z"])
    func millisecondsAcrossAYearRoundTrip(_ yearStart: String) throws {
        let start = try #require(Timestamp.parse(yearStart)).timeIntervalSince1970
        var mismatches: [String] = []
        for step in 0..<4_000 {
            let text = Timestamp.format(Date(timeIntervalSince1970: start + Double(step) * 7_884.8989))
            guard let date = Timestamp.parse(text) else {
                mismatches.append(text + " (unreadable)")
                continue
            }
            if Timestamp.format(date) != text || Timestamp.truncated(date) != date { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) texts changed, e.g. \(mismatches.prefix(3))")
    }

    @Test func parseDropsDigitsBeyondMilliseconds() {
        #expect(Timestamp.parse("2026-11-25T04:29:16.123987Z") == Timestamp.parse("2026-11-25T04:29:16.123Z"))
    }

    @Test func parseAppliesOffsets() {
        let utc = Timestamp.parse("2026-11-25T04:29:16.123Z")
        #expect(Timestamp.parse("2026-11-25T05:29:16.123+01:00") == utc)
        #expect(Timestamp.parse("2026-11-24T23:29:16.123-05:00") == utc)
        #expect(Timestamp.parse("2026-11-25T10:14:16.123+05:45") == utc)
        #expect(Timestamp.parse("2026-11-25T04:29:16.123+00:00") == utc)
    }

    @Test func parseAcceptsMissingFractionAndASpaceSeparator() {
        #expect(Timestamp.parse("2026-11-25T04:29:16Z") == Timestamp.parse("2026-11-25T04:29:16.000Z"))
        #expect(Timestamp.parse("2026-11-25 04:29:16.123Z") == Timestamp.parse("2026-11-25T04:29:16.123Z"))
        #expect(Timestamp.parse("2026-11-25T04:29:16.5Z") == Timestamp.parse("2026-11-25T04:29:16.500Z"))
    }

    @Test(arguments: [
        "", "2026-11-25", "2026-11-25T04:29:16", "2026-11-25T04:29:16.123", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-11-25T24:00:00Z", "2026-11-25T04:60:00Z", "2026-11-25T04:29:16.Z", "2026-11-25T04:29:16.123z",
        "2026-11-25T04:29:16+0100", "2026/11/25T04:29:16Z", "2026-11-25T04:29:16.123Z ", "twenty-six-eleven",
    ])
    func parseRejectsWhatIsNotATimestamp(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func truncatedDropsSubMillisecondsAndIsStable() {
        let raw = Date(timeIntervalSince1970: 1_795_580_956.123_987)
        let truncated = Timestamp.truncated(raw)
        #expect(Timestamp.format(truncated) == "2026-11-25T04:29:16.123Z")
        #expect(Timestamp.truncated(truncated) == truncated)
        #expect(truncated <= raw)
    }

    // MARK: JSON payloads

    static let nested: JSONValue = .object([
        "id": .int(Int64.max),
        "minimum": .int(Int64.min),
        "ratio": .double(0.125),
        "negative": .double(-1.5e-7),
        "name": .string("Zoë \"quoted\" \\ / \n tab\t 📈"),
        "flags": .array([.bool(true), .bool(false), .null]),
        "empty": .object([:]),
        "none": .array([]),
        "deep": .object(["a": .object(["b": .array([.int(1), .object(["c": .string("d")])])])]),
    ])

    @Test func jsonValueRoundTripsThroughItsEncoding() throws {
        let data = try Self.nested.encoded()
        #expect(try JSONValue(parsing: data) == Self.nested)
    }

    @Test func jsonValueRoundTripsInsideAnEvent() throws {
        let event = HistoryEvent(eventId: 1, time: Self.time, attributes: .workflowExecutionCompleted(.init(result: Self.nested)))
        #expect(try EventLineCodec.decode(try EventLineCodec.encode(event), path: "h.jsonl").events == [event])
    }

    @Test func largeIntegersKeepEveryDigit() throws {
        for value: Int64 in [Int64.max, Int64.min, 9_007_199_254_740_993, -9_007_199_254_740_993] {
            let text = String(decoding: try JSONValue.int(value).encoded(), as: UTF8.self)
            #expect(text == String(value))
            #expect(try JSONValue(parsing: Data(text.utf8)) == .int(value))
        }
    }

    @Test func encodedFormSortsKeysSoEqualValuesGiveEqualBytes() throws {
        let value = try JSONValue(parsing: Data(#"{"b":1,"a":{"z":true,"y":null}}"#.utf8))
        #expect(value.compactText == #"{"a":{"y":null,"z":true},"b":1}"#)
        let reordered = try JSONValue(parsing: Data(#"{"a":{"z":true,"y":null},"b":1}"#.utf8))
        #expect(try value.encoded() == reordered.encoded())
        #expect(value.digest == reordered.digest)
    }

    @Test func wholeNumberDoubleComesBackAsInteger() throws {
        // JSON has one number type; an encoded 2.0 is `2`. Live values and recorded values
        // both go through this canonical form, so replay compares like with like.
        #expect(try JSONValue(parsing: JSONValue.double(2).encoded()) == .int(2))
        #expect(try JSONValue(encoding: 2.0) == .int(2))
    }

    struct Report: Codable, Equatable {
        var name: String
        var rows: Int64
        var sent: Date
        var tags: [String: [Int]]
        var note: String?
    }

    @Test func codableValuesRoundTripThroughJSONValue() throws {
        let report = Report(name: "daily", rows: 8_000_000_000_000, sent: Self.time, tags: ["x": [1, 2], "y": []], note: nil)
        let value = try JSONValue(encoding: report)
        #expect(value["sent"] == .string("2026-11-25T04:29:16.123Z"))
        #expect(value["rows"] == .int(8_000_000_000_000))
        #expect(try value.decode(Report.self) == report)
    }

    @Test func subscriptReadsObjectMembersOnly() {
        #expect(Self.nested["deep"]?["a"]?["b"] == .array([.int(1), .object(["c": .string("d")])]))
        #expect(Self.nested["missing"] == nil)
        #expect(JSONValue.array([.int(1)])["0"] == nil)
    }
}

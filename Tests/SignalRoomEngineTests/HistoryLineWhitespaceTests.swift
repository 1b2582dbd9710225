import Foundation
import SignalRoomCore
import Testing
@testable import SignalRoomEngine

/// History lines are the JSON writer's output plus a checksum: whitespace between tokens is
/// read when the checksum covers it, and is damage (or a torn tail) when it does not.
@Suite struct HistoryLineWhitespaceTests {
    static func written(_ value: JSONValue) -> String { String(decoding: JSONWriter.write(value), as: UTF8.self) }

    static let event = HistoryEvent(
        eventId: 1, time: Timestamp.parse("2026-11-25T04:29:16.123Z")!,
        attributes: .activityTaskCompleted(
            .init(
                scheduledEventId: 9, attempt: 2,
                result: .object(["rows": .int(3), "tags": .array([.string("a b"), .double(0.5)])]))))

    /// The JSON with spaces and tabs between every token (no newlines: one event, one line).
    static func spaced(_ value: JSONValue) -> String {
        switch value {
        case .array(let elements): "[ " + elements.map(spaced).joined(separator: " ,\t") + " ]"
        case .object(let members):
            "{ " + members.keys.sorted().map { written(.string($0)) + " :\t" + spaced(members[$0]!) }.joined(separator: " , ") + " }"
        default: written(value)
        }
    }

    /// A history line for `body` laid out as `EventLineCodec.encode` does, with the sum of `summed`.
    static func line(body: String, summed: String) -> Data {
        let sum = CRC32.checksum(Array(summed.utf8))
        return Data((body.dropLast() + #","sum":""# + String(format: "%08x", sum) + "\"}\n").utf8)
    }

    @Test func aLineWithWhitespaceBetweenTokensDecodesWhenItsChecksumCoversTheSpacedBody() throws {
        let body = Self.spaced(Self.event.json)
        #expect(body.contains(" :\t"))
        let decoded = try EventLineCodec.decode(Self.line(body: body, summed: body), path: "h.jsonl")
        #expect(decoded.events == [Self.event])
        #expect(!decoded.droppedTornTail)
    }

    @Test func aLineWithWhitespaceBetweenTokensIsRejectedWhenItsChecksumCoversTheCompactBody() throws {
        let compact = Self.written(Self.event.json)
        let line = Self.line(body: Self.spaced(Self.event.json), summed: compact)
        let alone = try EventLineCodec.decode(line, path: "h.jsonl")
        #expect(alone.events.isEmpty && alone.droppedTornTail && alone.validLength == 0)
        var second = Self.event
        second.eventId = 2
        let damaged = #expect(throws: HistoryDamagedError.self) {
            try EventLineCodec.decode(line + EventLineCodec.encode(second), path: "h.jsonl")
        }
        #expect(damaged?.line == 1)
        #expect(try EventLineCodec.decode(Self.line(body: compact, summed: compact), path: "h.jsonl").events == [Self.event])
    }
}

import Foundation
import SignalRoomCore

/// Turns events into history lines and back, guarding each line with a CRC-32.
///
/// A line is the event's JSON with `,"sum":"xxxxxxxx"` inserted before its closing brace,
/// where the sum covers the JSON as it was before the insertion. A last line that is
/// incomplete or fails its sum is a torn append (the writer died mid-write): it is dropped
/// as never written. A bad line anywhere else is damage and is reported with its number.
package enum EventLineCodec {
    private static let sumKey = Array(#","sum":""#.utf8)
    /// `,"sum":"` + 8 hex digits + `"}`
    private static let trailerLength = sumKey.count + 8 + 2

    package static func encode(_ event: HistoryEvent) throws -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(320)
        JSONWriter.write(event.json, into: &bytes)
        let sum = CRC32.checksum(bytes)
        bytes.removeLast()
        bytes.append(contentsOf: sumKey)
        bytes.append(contentsOf: hex(sum))
        bytes.append(contentsOf: [0x22, 0x7D, 0x0A])  // "}\n
        return Data(bytes)
    }

    package struct Decoded {
        package var events: [HistoryEvent]
        /// Bytes up to the end of the last good line: where the next append belongs.
        package var validLength: Int
        /// Whether a torn last line was found past `validLength`.
        package var droppedTornTail: Bool
    }

    package static func decode(_ data: Data, path: String) throws -> Decoded {
        var events: [HistoryEvent] = []
        return try decode(data, path: path, into: &events)
    }

    /// The events before the first damaged line, and the damage; for setting a damaged
    /// history aside while keeping what can still be read of it.
    package static func decodeReadablePrefix(_ data: Data, path: String) -> (events: [HistoryEvent], damage: HistoryDamagedError?) {
        var events: [HistoryEvent] = []
        do {
            _ = try decode(data, path: path, into: &events)
            return (events, nil)
        } catch {
            return (events, error as? HistoryDamagedError ?? HistoryDamagedError(path: path, line: events.count + 1, reason: "\(error)"))
        }
    }

    /// The event on the last complete line of `tail` (the end of a history), when that line
    /// is whole and intact; nil when it cannot be told from `tail` alone.
    static func lastEvent(_ tail: Data) -> HistoryEvent? {
        let bytes = [UInt8](tail)
        guard bytes.last == 0x0A else { return nil }
        let end = bytes.count - 1
        guard let previous = bytes[..<end].lastIndex(of: 0x0A) else { return nil }
        let line = Array(bytes[(previous + 1)..<end])
        return line.withUnsafeBufferPointer { buffer -> HistoryEvent? in
            guard isIntact(buffer) else { return nil }
            return try? HistoryEvent(json: try JSONParser.parse(buffer))
        }
    }

    private static func decode(_ data: Data, path: String, into events: inout [HistoryEvent]) throws -> Decoded {
        events.reserveCapacity(data.count / 200)
        var validLength = 0
        var lineNumber = 0
        var torn = false
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                lineNumber += 1
                let newline = bytes.baseAddress.flatMap { base in
                    memchr(base + start, 0x0A, bytes.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
                }
                let end = newline ?? bytes.count
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                guard newline != nil, isIntact(line) else {
                    if newline == nil || !hasContent(bytes, from: end + 1) { torn = true; return }
                    throw HistoryDamagedError(path: path, line: lineNumber, reason: "the line fails its checksum")
                }
                let event: HistoryEvent
                do {
                    // The whole line is JSON; its `sum` member is ignored by the mapping.
                    event = try HistoryEvent(json: try JSONParser.parse(line))
                } catch {
                    throw HistoryDamagedError(path: path, line: lineNumber, reason: "the event cannot be read (\(describe(error)))")
                }
                guard event.eventId == events.count + 1 else {
                    throw HistoryDamagedError(
                        path: path, line: lineNumber,
                        reason: "expected event id \(events.count + 1), found \(event.eventId)")
                }
                events.append(event)
                validLength = end + 1
                start = end + 1
            }
        }
        return Decoded(events: events, validLength: validLength, droppedTornTail: torn)
    }

    /// Whether the line ends in a `sum` trailer that matches the rest of the line.
    private static func isIntact(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = line.count
        guard count > trailerLength + 2, line[count - 1] == 0x7D, line[count - 2] == 0x22 else { return false }
        let sumStart = count - trailerLength
        for (offset, byte) in sumKey.enumerated() where line[sumStart + offset] != byte { return false }
        var recorded: UInt32 = 0
        for byte in line[(sumStart + sumKey.count)..<(count - 2)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return false
            }
            recorded = recorded << 4 | UInt32(digit)
        }
        let body = CRC32.update(CRC32.start, buffer: UnsafeBufferPointer(rebasing: line[0..<sumStart]))
        return CRC32.finish(CRC32.update(body, byte: 0x7D)) == recorded
    }

    private static func hasContent(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Bool {
        guard index < bytes.count else { return false }
        return bytes[index...].contains { $0 != 0x0A && $0 != 0x20 && $0 != 0x00 }
    }

    private static func hex(_ value: UInt32) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<8).reversed().map { digits[Int((value >> (UInt32($0) * 4)) & 0xF)] }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }
}

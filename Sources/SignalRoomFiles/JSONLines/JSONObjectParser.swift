import Foundation
import SignalRoomCore
import SignalRoomPipelines

/// One line holding one object, read into a row: members in the order they are written,
/// numbers as their literal, nested values as their compact text. The lexing (strings,
/// escapes, numbers, UTF-8) is `JSONScanner`'s, shared with the history parser; this builds
/// the row. Reused from line to line so that its scratch buffers keep their capacity.
struct JSONObjectParser {
    typealias Failure = JSONSyntaxError

    private var scanner = JSONScanner(UnsafeBufferPointer(start: nil, count: 0), strict: true)
    /// The compact text of a nested value being copied.
    private var compact: [UInt8] = []
    /// The keys of the object being read, in the order of its members.
    private var keys: [KeySpan] = []
    private var lastMemberCount = 0

    mutating func parseObject(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> [(String, FieldValue)] {
        scanner.reset(to: line)
        defer { scanner.reset(to: UnsafeBufferPointer(start: nil, count: 0)) }
        scanner.skipWhitespace()
        guard scanner.peek() == ascii("{") else {
            throw scanner.failure(scanner.peek() == ascii("[") ? "it is an array" : "it does not start with `{`")
        }
        scanner.index += 1
        var members: [(String, FieldValue)] = []
        members.reserveCapacity(lastMemberCount)
        keys.removeAll(keepingCapacity: true)
        scanner.skipWhitespace()
        if scanner.peek() == ascii("}") {
            scanner.index += 1
        } else {
            while true {
                guard scanner.peek() == ascii("\"") else { throw scanner.failure("expected a quoted key") }
                let keyStart = scanner.index + 1
                let key = try scanner.string()
                let keySpan = KeySpan(start: keyStart, count: scanner.index - 1 - keyStart, hasEscapes: scanner.lastStringHadEscapes)
                scanner.skipWhitespace()
                guard scanner.peek() == ascii(":") else { throw scanner.failure("expected `:` after key \"\(key)\"") }
                scanner.index += 1
                scanner.skipWhitespace()
                let value = try parseMemberValue(key: key)
                if let earlier = indexOfKey(keySpan, key, in: members) {
                    members[earlier].1 = value
                } else {
                    members.append((key, value))
                    keys.append(keySpan)
                }
                scanner.skipWhitespace()
                guard scanner.peek() == ascii(",") else { break }
                scanner.index += 1
                scanner.skipWhitespace()
            }
            guard scanner.peek() == ascii("}") else { throw scanner.failure("expected `,` or `}` after a value") }
            scanner.index += 1
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.failure("text after the object") }
        lastMemberCount = members.count
        return members
    }

    /// Where a key is written in the line, for finding repeated keys without comparing
    /// strings.
    private struct KeySpan {
        var start: Int
        var count: Int
        var hasEscapes: Bool
    }

    /// The index in `members` of an earlier key equal to `key` (written at `span`).
    private func indexOfKey(_ span: KeySpan, _ key: String, in members: [(String, FieldValue)]) -> Int? {
        let base = scanner.bytes.baseAddress!
        for (index, other) in keys.enumerated() {
            if span.hasEscapes || other.hasEscapes {
                if members[index].0 == key { return index }
            } else if other.count == span.count && memcmp(base + other.start, base + span.start, span.count) == 0 {
                return index
            }
        }
        return nil
    }

    private mutating func parseMemberValue(key: String) throws(Failure) -> FieldValue {
        switch scanner.peek() {
        case ascii("\""):
            return .text(try scanner.string())
        case ascii("{"), ascii("["):
            compact.removeAll(keepingCapacity: true)
            try copyContainer(depth: 1)
            return .json(try compactText())
        case ascii("t"):
            try scanner.literal("true")
            return .bool(true)
        case ascii("f"):
            try scanner.literal("false")
            return .bool(false)
        case ascii("n"):
            try scanner.literal("null")
            return .null
        case ascii("-"), .some(ascii("0")...ascii("9")):
            let literal = try scanner.number()
            if literal.isInteger, let value = scanner.int64(literal) { return .int(value) }
            // A larger integer or a fraction keeps its literal (`3818.50`, scale included);
            // the warehouse stores it as numeric, or in SQLite as the exact number (see
            // ColumnType.sqliteType).
            return .decimal(scanner.text(literal.range))
        default:
            throw scanner.failure("the value of \"\(key)\" is not JSON")
        }
    }

    // MARK: Nested values, copied compactly

    /// Copies the object or array at the scanner into `compact` without insignificant
    /// whitespace, checking it is well-formed; strings and numbers are copied as written.
    private mutating func copyContainer(depth: Int) throws(Failure) {
        guard depth <= JSONScanner.maximumDepth else { throw scanner.failure("nested deeper than \(JSONScanner.maximumDepth) levels") }
        let isObject = scanner.peek() == ascii("{")
        let close = isObject ? ascii("}") : ascii("]")
        compact.append(isObject ? ascii("{") : ascii("["))
        scanner.index += 1
        scanner.skipWhitespace()
        if scanner.peek() == close {
            compact.append(close)
            scanner.index += 1
            return
        }
        while true {
            if isObject {
                guard scanner.peek() == ascii("\"") else { throw scanner.failure("expected a quoted key") }
                copy(try scanner.skipString())
                scanner.skipWhitespace()
                guard scanner.peek() == ascii(":") else { throw scanner.failure("expected `:`") }
                compact.append(ascii(":"))
                scanner.index += 1
                scanner.skipWhitespace()
            }
            try copyValue(depth: depth)
            scanner.skipWhitespace()
            switch scanner.peek() {
            case ascii(","):
                compact.append(ascii(","))
                scanner.index += 1
                scanner.skipWhitespace()
            case close:
                compact.append(close)
                scanner.index += 1
                return
            default:
                throw scanner.failure("expected `,` or `\(Character(Unicode.Scalar(close)))`")
            }
        }
    }

    private mutating func copyValue(depth: Int) throws(Failure) {
        switch scanner.peek() {
        case ascii("\""):
            copy(try scanner.skipString())
        case ascii("{"), ascii("["):
            try copyContainer(depth: depth + 1)
        case ascii("t"):
            try scanner.literal("true")
            compact.append(contentsOf: "true".utf8)
        case ascii("f"):
            try scanner.literal("false")
            compact.append(contentsOf: "false".utf8)
        case ascii("n"):
            try scanner.literal("null")
            compact.append(contentsOf: "null".utf8)
        case ascii("-"), .some(ascii("0")...ascii("9")):
            copy(try scanner.number().range)
        default:
            throw scanner.failure("a value that is not JSON")
        }
    }

    private mutating func copy(_ range: Range<Int>) {
        compact.append(contentsOf: UnsafeBufferPointer(rebasing: scanner.bytes[range]))
    }

    /// The compact text, which must be UTF-8 (its strings were copied unchecked).
    private func compactText() throws(Failure) -> String {
        try compact.withUnsafeBufferPointer { (buffer) throws(Failure) -> String in
            guard UTF8Validation.firstInvalidIndex(in: buffer) == nil else { throw scanner.failure("bytes that are not UTF-8 in a nested value") }
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}

@inline(__always)
private func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }

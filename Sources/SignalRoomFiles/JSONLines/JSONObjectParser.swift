import Foundation
import SignalRoomPipelines

/// A strict JSON (RFC 8259) parser for one line holding one object, over the line's bytes.
/// Reused from line to line so that its scratch buffers keep their capacity.
struct JSONObjectParser {
    struct Failure: Error {
        var reason: String
    }

    private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var i = 0
    /// The compact text of a nested value being copied.
    private var compact: [UInt8] = []
    /// The decoded bytes of a string with escapes.
    private var unescaped: [UInt8] = []
    /// Whether the string `parseString()` last read had escapes.
    private var lastStringHadEscapes = false
    /// The keys of the object being read, in the order of its members.
    private var keys: [KeySpan] = []
    private var lastMemberCount = 0

    /// Nesting deeper than this is refused rather than risking the stack.
    static let maximumDepth = 512

    mutating func parseObject(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> [(String, FieldValue)] {
        bytes = line
        i = 0
        defer { bytes = UnsafeBufferPointer(start: nil, count: 0) }
        skipWhitespace()
        guard i < bytes.count, bytes[i] == ascii("{") else {
            throw Failure(reason: i < bytes.count && bytes[i] == ascii("[") ? "it is an array" : "it does not start with `{`")
        }
        i += 1
        var members: [(String, FieldValue)] = []
        members.reserveCapacity(lastMemberCount)
        keys.removeAll(keepingCapacity: true)
        skipWhitespace()
        if peek() == ascii("}") {
            i += 1
        } else {
            while true {
                guard peek() == ascii("\"") else { throw Failure(reason: "expected a quoted key at column \(i + 1)") }
                let keyStart = i + 1
                let key = try parseString()
                let keySpan = KeySpan(start: keyStart, count: i - 1 - keyStart, hasEscapes: lastStringHadEscapes)
                skipWhitespace()
                guard peek() == ascii(":") else { throw Failure(reason: "expected `:` after key \"\(key)\"") }
                i += 1
                skipWhitespace()
                let value = try parseMemberValue(key: key)
                if let earlier = indexOfKey(keySpan, key, in: members) {
                    members[earlier].1 = value
                } else {
                    members.append((key, value))
                    keys.append(keySpan)
                }
                skipWhitespace()
                switch peek() {
                case ascii(","):
                    i += 1
                    skipWhitespace()
                case ascii("}"):
                    i += 1
                default:
                    throw Failure(reason: "expected `,` or `}` after the value of \"\(key)\"")
                }
                if bytes[i - 1] == ascii("}") { break }
            }
        }
        skipWhitespace()
        guard i == bytes.count else { throw Failure(reason: "text after the object at column \(i + 1)") }
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
        let base = bytes.baseAddress!
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
        switch peek() {
        case ascii("\""):
            return .text(try parseString())
        case ascii("{"), ascii("["):
            compact.removeAll(keepingCapacity: true)
            try copyContainer(depth: 1)
            return .json(try Self.string(compact))
        case ascii("t"):
            try expectLiteral("true")
            return .bool(true)
        case ascii("f"):
            try expectLiteral("false")
            return .bool(false)
        case ascii("n"):
            try expectLiteral("null")
            return .null
        case ascii("-"), .some(ascii("0")...ascii("9")):
            return try parseNumber()
        default:
            throw Failure(reason: "the value of \"\(key)\" at column \(i + 1) is not JSON")
        }
    }

    // MARK: Numbers

    private struct NumberLiteral {
        var range: Range<Int>
        var hasFraction = false
        var hasExponent = false
    }

    private mutating func scanNumber() throws(Failure) -> NumberLiteral {
        let start = i
        var literal = NumberLiteral(range: start..<start)
        if peek() == ascii("-") { i += 1 }
        guard let first = peek(), isDigit(first) else { throw Failure(reason: "a malformed number at column \(start + 1)") }
        if first == ascii("0") {
            i += 1
        } else {
            while let c = peek(), isDigit(c) { i += 1 }
        }
        if peek() == ascii(".") {
            literal.hasFraction = true
            i += 1
            guard let c = peek(), isDigit(c) else { throw Failure(reason: "a malformed number at column \(start + 1)") }
            while let c = peek(), isDigit(c) { i += 1 }
        }
        if peek() == ascii("e") || peek() == ascii("E") {
            literal.hasExponent = true
            i += 1
            if peek() == ascii("+") || peek() == ascii("-") { i += 1 }
            guard let c = peek(), isDigit(c) else { throw Failure(reason: "a malformed number at column \(start + 1)") }
            while let c = peek(), isDigit(c) { i += 1 }
        }
        literal.range = start..<i
        return literal
    }

    private mutating func parseNumber() throws(Failure) -> FieldValue {
        let literal = try scanNumber()
        let digits = UnsafeBufferPointer(rebasing: bytes[literal.range])
        if !literal.hasFraction && !literal.hasExponent {
            if let value = Self.int64(digits) { return .int(value) }
            return .decimal(String(decoding: digits, as: UTF8.self))
        }
        // A fraction keeps its literal (`3818.50`, scale included); the warehouse stores it
        // as numeric, or in SQLite as the exact number (see ColumnType.sqliteType).
        return .decimal(String(decoding: digits, as: UTF8.self))
    }

    /// The value of an integer literal (`-?[0-9]+`), nil when it does not fit `Int64`.
    private static func int64(_ digits: UnsafeBufferPointer<UInt8>) -> Int64? {
        let negative = digits[0] == ascii("-")
        // Accumulated as a negative number, whose range includes Int64.min.
        var value: Int64 = 0
        for c in digits.dropFirst(negative ? 1 : 0) {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(Int64(c &- ascii("0")))
            if overflowA || overflowB { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    // MARK: Strings

    /// Reads the string at `i` (at its opening quote) and returns its decoded text.
    private mutating func parseString() throws(Failure) -> String {
        let opening = i
        lastStringHadEscapes = false
        i += 1
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == ascii("\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
                i += 1
                return try Self.string(raw)
            }
            if c == ascii("\\") || c < 0x20 { break }
            i += 1
        }
        lastStringHadEscapes = true
        unescaped.removeAll(keepingCapacity: true)
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let c = bytes[i]
            if c == ascii("\"") {
                i += 1
                return try Self.string(unescaped)
            }
            if c < 0x20 { throw Failure(reason: "a control character inside a string at column \(i + 1); it must be escaped") }
            if c == ascii("\\") {
                try appendEscape()
            } else {
                unescaped.append(c)
                i += 1
            }
        }
        throw Failure(reason: "the string that starts at column \(opening + 1) is not closed")
    }

    /// Decodes the escape at `i` (at its backslash) into `unescaped` as UTF-8.
    private mutating func appendEscape() throws(Failure) {
        let scalar = try readEscape()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { buffer in
            var count = 0
            UTF8.encode(scalar) { byte in
                buffer[count] = byte
                count += 1
            }
            unescaped.append(contentsOf: buffer[0..<count])
        }
    }

    /// Reads one escape (at its backslash) and returns the character it stands for.
    private mutating func readEscape() throws(Failure) -> Unicode.Scalar {
        let column = i + 1
        guard i + 1 < bytes.count else { throw Failure(reason: "an unfinished escape at column \(column)") }
        let c = bytes[i + 1]
        i += 2
        switch c {
        case ascii("\""): return "\""
        case ascii("\\"): return "\\"
        case ascii("/"): return "/"
        case ascii("b"): return "\u{08}"
        case ascii("f"): return "\u{0C}"
        case ascii("n"): return "\n"
        case ascii("r"): return "\r"
        case ascii("t"): return "\t"
        case ascii("u"):
            let unit = try readHex4(column: column)
            if (0xD800...0xDBFF).contains(unit) {
                guard i + 1 < bytes.count, bytes[i] == ascii("\\"), bytes[i + 1] == ascii("u") else {
                    throw Failure(reason: "a lone UTF-16 surrogate escape at column \(column)")
                }
                i += 2
                let low = try readHex4(column: column)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw Failure(reason: "a lone UTF-16 surrogate escape at column \(column)")
                }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else {
                throw Failure(reason: "a lone UTF-16 surrogate escape at column \(column)")
            }
            return scalar
        default:
            throw Failure(reason: "an invalid escape at column \(column)")
        }
    }

    private mutating func readHex4(column: Int) throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw Failure(reason: "an invalid \\u escape at column \(column)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let digit: UInt8
            switch c {
            case ascii("0")...ascii("9"): digit = c - ascii("0")
            case ascii("a")...ascii("f"): digit = c - ascii("a") + 10
            case ascii("A")...ascii("F"): digit = c - ascii("A") + 10
            default: throw Failure(reason: "an invalid \\u escape at column \(column)")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    // MARK: Nested values, copied compactly

    /// Copies the object or array at `i` into `compact` without insignificant whitespace,
    /// checking it is well-formed; strings and numbers are copied exactly as written.
    private mutating func copyContainer(depth: Int) throws(Failure) {
        guard depth <= Self.maximumDepth else { throw Failure(reason: "nested deeper than \(Self.maximumDepth) levels") }
        let isObject = bytes[i] == ascii("{")
        let close = isObject ? ascii("}") : ascii("]")
        compact.append(bytes[i])
        i += 1
        skipWhitespace()
        if peek() == close {
            compact.append(close)
            i += 1
            return
        }
        while true {
            if isObject {
                guard peek() == ascii("\"") else { throw Failure(reason: "expected a quoted key at column \(i + 1)") }
                try copyString()
                skipWhitespace()
                guard peek() == ascii(":") else { throw Failure(reason: "expected `:` at column \(i + 1)") }
                compact.append(ascii(":"))
                i += 1
                skipWhitespace()
            }
            try copyValue(depth: depth)
            skipWhitespace()
            switch peek() {
            case ascii(","):
                compact.append(ascii(","))
                i += 1
                skipWhitespace()
            case close:
                compact.append(close)
                i += 1
                return
            default:
                throw Failure(reason: "expected `,` or `\(Character(Unicode.Scalar(close)))` at column \(i + 1)")
            }
        }
    }

    private mutating func copyValue(depth: Int) throws(Failure) {
        switch peek() {
        case ascii("\""):
            try copyString()
        case ascii("{"), ascii("["):
            try copyContainer(depth: depth + 1)
        case ascii("t"):
            try expectLiteral("true")
            compact.append(contentsOf: "true".utf8)
        case ascii("f"):
            try expectLiteral("false")
            compact.append(contentsOf: "false".utf8)
        case ascii("n"):
            try expectLiteral("null")
            compact.append(contentsOf: "null".utf8)
        case ascii("-"), .some(ascii("0")...ascii("9")):
            let literal = try scanNumber()
            compact.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[literal.range]))
        default:
            throw Failure(reason: "a value at column \(i + 1) is not JSON")
        }
    }

    /// Copies the string at `i` with its quotes and escapes as written, checking them.
    private mutating func copyString() throws(Failure) {
        let start = i
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            if c == ascii("\"") {
                i += 1
                compact.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                return
            }
            if c < 0x20 { throw Failure(reason: "a control character inside a string at column \(i + 1); it must be escaped") }
            if c == ascii("\\") {
                _ = try readEscape()
            } else {
                i += 1
            }
        }
        throw Failure(reason: "the string that starts at column \(start + 1) is not closed")
    }

    // MARK: Bytes

    /// The text of `bytes`, which must be UTF-8. (`String(validating:as:)` would do, but it
    /// is several times slower for the short strings that make up most of a line.)
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        guard UTF8Validation.firstInvalidIndex(in: bytes) == nil else { throw Failure(reason: "invalid UTF-8") }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func string(_ bytes: [UInt8]) throws(Failure) -> String {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> String in try string(buffer) }
    }

    private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            let c = bytes[i]
            guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { return }
            i += 1
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        let matches = i + count <= bytes.count
            && memcmp(bytes.baseAddress! + i, word.utf8Start, count) == 0
        guard matches else { throw Failure(reason: "an unknown word at column \(i + 1)") }
        i += count
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= ascii("0") && c <= ascii("9") }
}

@inline(__always)
private func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }

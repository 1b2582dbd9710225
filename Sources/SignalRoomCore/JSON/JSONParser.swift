import Foundation

/// Parses JSON text into a `JSONValue`. Written by hand because replay reads every line
/// of a history: measured here, `JSONDecoder` took 8.5 µs per event line and decoding a
/// `JSONValue` through `Codable` 34 µs (each `try?` type probe builds an error), against
/// a budget of 5 µs per event for a 10,000-event replay in under 50 ms.
package struct JSONParser {
    typealias Failure = JSONSyntaxError

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Refuses what RFC 8259 lets a parser accept but a hand-edited file should not pass:
    /// a member name twice in one object (the last would silently win) and bytes that are not
    /// UTF-8 (they would silently become U+FFFD). Histories are written by the engine and
    /// parsed leniently.
    private let strict: Bool

    private init(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) {
        self.bytes = bytes
        self.strict = strict
    }

    package static func parse(_ data: Data, strict: Bool = false) throws -> JSONValue {
        try data.withUnsafeBytes { raw in try parse(raw.bindMemory(to: UInt8.self), strict: strict) }
    }

    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool = false) throws -> JSONValue {
        var parser = JSONParser(bytes, strict: strict)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw failure("nesting deeper than 512 levels") }
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case 0x7B: return try object(depth: depth)
        case 0x5B: return try array(depth: depth)
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return try number()
        default: throw failure("unexpected character `\(Character(Unicode.Scalar(bytes[index])))`")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("invalid literal")
        }
        index += count
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        index += 1
        var members: [String: JSONValue] = Dictionary(minimumCapacity: 8)
        skipWhitespace()
        if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == 0x22 else { throw failure("expected a member name") }
            let keyOffset = index
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw failure("expected `:`") }
            index += 1
            if members.updateValue(try value(depth: depth + 1), forKey: key) != nil, strict {
                throw Failure(offset: keyOffset, reason: "member `\(key)` appears twice in one object")
            }
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an object") }
            if bytes[index] == 0x2C { index += 1; continue }
            if bytes[index] == 0x7D { index += 1; return .object(members) }
            throw failure("expected `,` or `}`")
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array(elements) }
        while true {
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an array") }
            if bytes[index] == 0x2C { index += 1; continue }
            if bytes[index] == 0x5D { index += 1; return .array(elements) }
            throw failure("expected `,` or `]`")
        }
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C {
            guard bytes[index] >= 0x20 else { throw failure("control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        if bytes[index] == 0x22 {
            if strict { try validateUTF8(start..<index) }
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        if strict { try validateUTF8(start..<index) }
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            guard byte >= 0x20 else { throw failure("control character in a string") }
            if byte != 0x5C {
                if strict, byte >= 0x80 {
                    // Validated one run of plain bytes at a time, up to the next escape or quote.
                    let run = index
                    while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C, bytes[index] >= 0x20 { index += 1 }
                    try validateUTF8(run..<index)
                    utf8.append(contentsOf: bytes[run..<index])
                    continue
                }
                utf8.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case 0x22: utf8.append(0x22)
            case 0x5C: utf8.append(0x5C)
            case 0x2F: utf8.append(0x2F)
            case 0x62: utf8.append(0x08)
            case 0x66: utf8.append(0x0C)
            case 0x6E: utf8.append(0x0A)
            case 0x72: utf8.append(0x0D)
            case 0x74: utf8.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar), index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 {
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                if strict, Unicode.Scalar(scalar) == nil { throw Failure(offset: index - 6, reason: "`\\u` escape of a lone surrogate") }
                utf8.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default:
                throw failure("invalid escape `\\\(Character(Unicode.Scalar(escape)))`")
            }
        }
        throw failure("unterminated string")
    }

    /// Throws at the first byte of `range` that does not begin a well-formed UTF-8 sequence.
    private func validateUTF8(_ range: Range<Int>) throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let lead = bytes[offset]
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
            guard length > 0, offset + length <= range.upperBound,
                  String(validating: UnsafeBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self) != nil
            else { throw Failure(offset: offset, reason: "bytes that are not UTF-8") }
            offset += length
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite.
    private mutating func number() throws -> JSONValue {
        let start = index
        var isInteger = true
        func digits() -> Int {
            let first = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if bytes[index] == 0x2D { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw failure("invalid number: expected a digit") }
        guard !(integerDigits > 1 && bytes[integerStart] == 0x30) else { throw failure("invalid number: leading zero") }
        if index < bytes.count, bytes[index] == 0x2E {
            isInteger = false
            index += 1
            guard digits() > 0 else { throw failure("invalid number: expected a digit after `.`") }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            guard digits() > 0 else { throw failure("invalid number: expected a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw failure("number `\(text)` is out of range") }
        return .double(value)
    }
}

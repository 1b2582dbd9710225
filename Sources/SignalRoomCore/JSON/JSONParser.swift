import Foundation

/// Parses JSON text into a `JSONValue`. Written by hand because replay reads every line
/// of a history: measured here, `JSONDecoder` took 8.5 µs per event line and decoding a
/// `JSONValue` through `Codable` 34 µs (each `try?` type probe builds an error), against
/// a budget of 5 µs per event for a 10,000-event replay in under 50 ms.
package struct JSONParser {
    typealias Failure = JSONSyntaxError

    /// Strict refuses what RFC 8259 lets a parser accept but a hand-edited file should not
    /// pass: a member name twice in one object (the last would silently win) and bytes that
    /// are not UTF-8 (they would silently become U+FFFD). Histories are written by the engine
    /// and parsed leniently.
    private var scanner: JSONScanner

    private init(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) {
        scanner = JSONScanner(bytes, strict: strict)
    }

    package static func parse(_ data: Data, strict: Bool = false) throws -> JSONValue {
        try data.withUnsafeBytes { raw in try parse(raw.bindMemory(to: UInt8.self), strict: strict) }
    }

    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool = false) throws -> JSONValue {
        var parser = JSONParser(bytes, strict: strict)
        let value = try parser.value(depth: 0)
        parser.scanner.skipWhitespace()
        guard parser.scanner.isAtEnd else { throw parser.scanner.failure("unexpected text after the JSON value") }
        return value
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONScanner.maximumDepth else { throw scanner.failure("nesting deeper than \(JSONScanner.maximumDepth) levels") }
        scanner.skipWhitespace()
        guard let c = scanner.peek() else { throw scanner.failure("unexpected end of input") }
        switch c {
        case 0x7B: return try object(depth: depth)
        case 0x5B: return try array(depth: depth)
        case 0x22: return .string(try scanner.string())
        case 0x74: try scanner.literal("true"); return .bool(true)
        case 0x66: try scanner.literal("false"); return .bool(false)
        case 0x6E: try scanner.literal("null"); return .null
        case 0x2D, 0x30...0x39:
            let literal = try scanner.number()
            if literal.isInteger, let value = scanner.int64(literal) { return .int(value) }
            let text = scanner.text(literal.range)
            guard let value = Double(text), value.isFinite else {
                throw scanner.failure("number `\(text)` is out of range", at: literal.range.lowerBound)
            }
            return .double(value)
        default: throw scanner.failure("unexpected character `\(Character(Unicode.Scalar(c)))`")
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        scanner.index += 1
        var members: [String: JSONValue] = Dictionary(minimumCapacity: 8)
        scanner.skipWhitespace()
        if scanner.peek() == 0x7D { scanner.index += 1; return .object(members) }
        while true {
            scanner.skipWhitespace()
            guard scanner.peek() == 0x22 else { throw scanner.failure("expected a member name") }
            let keyOffset = scanner.index
            let key = try scanner.string()
            scanner.skipWhitespace()
            guard scanner.peek() == 0x3A else { throw scanner.failure("expected `:`") }
            scanner.index += 1
            if members.updateValue(try value(depth: depth + 1), forKey: key) != nil, scanner.strict {
                throw Failure(offset: keyOffset, reason: "member `\(key)` appears twice in one object")
            }
            scanner.skipWhitespace()
            switch scanner.peek() {
            case 0x2C: scanner.index += 1
            case 0x7D: scanner.index += 1; return .object(members)
            case nil: throw scanner.failure("unexpected end of input in an object")
            default: throw scanner.failure("expected `,` or `}`")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        scanner.index += 1
        var elements: [JSONValue] = []
        scanner.skipWhitespace()
        if scanner.peek() == 0x5D { scanner.index += 1; return .array(elements) }
        while true {
            elements.append(try value(depth: depth + 1))
            scanner.skipWhitespace()
            switch scanner.peek() {
            case 0x2C: scanner.index += 1
            case 0x5D: scanner.index += 1; return .array(elements)
            case nil: throw scanner.failure("unexpected end of input in an array")
            default: throw scanner.failure("expected `,` or `]`")
            }
        }
    }
}

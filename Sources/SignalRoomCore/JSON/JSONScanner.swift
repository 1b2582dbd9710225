/// The lexical half of JSON (RFC 8259) over bytes, under both of our parsers: `JSONParser`
/// (the `JSONValue` tree of histories, schedules.json and `--input`) and the JSON Lines reader
/// (rows whose numbers keep their literal and whose nested values keep their text). One set of
/// rules for whitespace, literals, numbers, strings, escapes and UTF-8, so the two cannot
/// disagree on what a string or a number is; each keeps only what it builds.
///
/// `strict`: bytes that are not UTF-8 and `\u` escapes of lone surrogates are errors (text a
/// person or another program wrote). Lenient (histories, written by the engine): they become
/// U+FFFD, as `String(decoding:as:)` would make them.
///
/// Public and `@inlinable`, not `package`: the reader in SignalRoomFiles calls it per token,
/// and across modules only public inlinable bodies were inlined here (`package` ones were
/// called: the reader ran 1.08 M rows/s against 1.29 M with its own lexer; inlined, 1.19–1.40 M
/// against 1.17–1.33 M, `signalroom-bench jsonl-read`, release, same run).
public struct JSONScanner {
    public var bytes: UnsafeBufferPointer<UInt8>
    public var index = 0
    public let strict: Bool
    /// Whether the string `string()` last read had escapes (its text differs from its bytes).
    public var lastStringHadEscapes = false
    /// The decoded bytes of a string with escapes, kept to reuse its capacity.
    @usableFromInline var unescaped: [UInt8] = []

    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 512

    @inlinable
    public init(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) {
        self.bytes = bytes
        self.strict = strict
    }

    /// Scans `bytes` from their start, keeping the scratch buffers (a reader reuses one
    /// scanner from line to line).
    @inlinable
    public mutating func reset(to bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        index = 0
    }

    @inlinable
    public func failure(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? index, reason: reason)
    }

    @inlinable
    public var isAtEnd: Bool { index >= bytes.count }

    @inlinable @inline(__always)
    public func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        while index < bytes.count {
            let c = bytes[index]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            index += 1
        }
    }

    /// `true`, `false` or `null` at `index`.
    @inlinable @inline(__always)
    public mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("an unknown word")
        }
        index += count
    }

    /// The text of `range`, which the scanner has checked.
    @inlinable
    public func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    // MARK: Numbers

    /// Where a number is written, and whether it is an integer literal (no fraction, no
    /// exponent): callers keep the literal or convert it as they need.
    public struct NumberLiteral {
        public var range: Range<Int>
        public var isInteger: Bool

        @inlinable
        public init(range: Range<Int>, isInteger: Bool) {
            self.range = range
            self.isInteger = isInteger
        }
    }

    /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    @inlinable
    public mutating func number() throws(JSONSyntaxError) -> NumberLiteral {
        let start = index
        var isInteger = true
        if peek() == 0x2D { index += 1 }
        let integerStart = index
        guard skipDigits() > 0 else { throw failure("a malformed number: expected a digit", at: start) }
        guard !(index - integerStart > 1 && bytes[integerStart] == 0x30) else {
            throw failure("a malformed number: a leading zero", at: start)
        }
        if peek() == 0x2E {
            isInteger = false
            index += 1
            guard skipDigits() > 0 else { throw failure("a malformed number: expected a digit after `.`", at: start) }
        }
        if peek() == 0x65 || peek() == 0x45 {
            isInteger = false
            index += 1
            if peek() == 0x2B || peek() == 0x2D { index += 1 }
            guard skipDigits() > 0 else { throw failure("a malformed number: expected a digit in the exponent", at: start) }
        }
        return NumberLiteral(range: start..<index, isInteger: isInteger)
    }

    @inlinable
    mutating func skipDigits() -> Int {
        let first = index
        while index < bytes.count, bytes[index] &- 0x30 < 10 { index += 1 }
        return index - first
    }

    /// The value of an integer literal, nil when it does not fit `Int64`; without building a
    /// string, which matters at one call per number of an export.
    @inlinable
    public func int64(_ literal: NumberLiteral) -> Int64? {
        let digits = UnsafeBufferPointer(rebasing: bytes[literal.range])
        let negative = digits[0] == 0x2D
        // Accumulated as a negative number, whose range includes Int64.min.
        var value: Int64 = 0
        for c in digits.dropFirst(negative ? 1 : 0) {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(Int64(c &- 0x30))
            if overflowA || overflowB { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    // MARK: Strings

    /// The string at `index` (its opening quote), decoded.
    @inlinable
    public mutating func string() throws(JSONSyntaxError) -> String {
        let opening = index
        lastStringHadEscapes = false
        index += 1
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x22 {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return try decode(raw, at: start)
            }
            if c == 0x5C || c < 0x20 { break }
            index += 1
        }
        lastStringHadEscapes = true
        unescaped.removeAll(keepingCapacity: true)
        try appendUnescaped(start..<index)
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x22 {
                index += 1
                return String(decoding: unescaped, as: UTF8.self)
            }
            guard c >= 0x20 else { throw failure("a control character inside a string; it must be escaped") }
            if c == 0x5C {
                let scalar = try escape()
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { buffer in
                    var count = 0
                    UTF8.encode(scalar) { byte in
                        buffer[count] = byte
                        count += 1
                    }
                    unescaped.append(contentsOf: buffer[0..<count])
                }
            } else {
                let run = index
                while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C, bytes[index] >= 0x20 { index += 1 }
                try appendUnescaped(run..<index)
            }
        }
        throw failure("the string that starts at byte \(opening) is not closed")
    }

    /// Checks the string at `index` (its opening quote), escapes included, and moves past it:
    /// its range, quotes included, is the string as written.
    @inlinable
    public mutating func skipString() throws(JSONSyntaxError) -> Range<Int> {
        let start = index
        index += 1
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x22 {
                index += 1
                return start..<index
            }
            guard c >= 0x20 else { throw failure("a control character inside a string; it must be escaped") }
            if c == 0x5C {
                _ = try escape()
            } else {
                index += 1
            }
        }
        throw failure("the string that starts at byte \(start) is not closed")
    }

    @inlinable
    func decode(_ utf8: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONSyntaxError) -> String {
        if strict, let invalid = UTF8Validation.firstInvalidIndex(in: utf8) { throw failure("bytes that are not UTF-8", at: start + invalid) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Bytes of a string between its escapes, checked in strict mode (a quote or a backslash
    /// never splits a UTF-8 sequence, so each run checks on its own).
    @usableFromInline
    mutating func appendUnescaped(_ range: Range<Int>) throws(JSONSyntaxError) {
        let run = UnsafeBufferPointer(rebasing: bytes[range])
        if strict, let invalid = UTF8Validation.firstInvalidIndex(in: run) {
            throw failure("bytes that are not UTF-8", at: range.lowerBound + invalid)
        }
        unescaped.append(contentsOf: run)
    }

    /// The escape at `index` (its backslash), as the character it stands for.
    @usableFromInline
    mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let backslash = index
        guard index + 1 < bytes.count else { throw failure("an unfinished escape") }
        let c = bytes[index + 1]
        index += 2
        switch c {
        case 0x22: return "\""
        case 0x5C: return "\\"
        case 0x2F: return "/"
        case 0x62: return "\u{08}"
        case 0x66: return "\u{0C}"
        case 0x6E: return "\n"
        case 0x72: return "\r"
        case 0x74: return "\t"
        case 0x75:
            let unit = try hex4(escapeAt: backslash)
            if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 {
                let second = index
                index += 2
                let low = try hex4(escapeAt: second)
                // A high half followed by an escape that is not the low half is malformed,
                // not merely unpaired.
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("an invalid UTF-16 surrogate pair", at: second) }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            if let scalar = Unicode.Scalar(unit) { return scalar }
            if strict { throw failure("a `\\u` escape of a lone UTF-16 surrogate", at: backslash) }
            return "\u{FFFD}"
        default:
            throw failure("an invalid escape `\\\(Character(Unicode.Scalar(c)))`", at: backslash)
        }
    }

    mutating func hex4(escapeAt backslash: Int) throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a short `\\u` escape", at: backslash) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw failure("an invalid hex digit in a `\\u` escape", at: backslash)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

import Foundation
import Testing
@testable import SignalRoomCore

/// The hand-written JSON reader and writer every history line goes through: what they
/// accept, what they reject (with the byte offset), what they write, and that the two
/// agree with each other and with Foundation's `JSONSerialization`.
@Suite("JSON parser and writer")
struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Data(text.utf8)) }

    static func written(_ value: JSONValue) -> String { String(decoding: JSONWriter.write(value), as: UTF8.self) }

    /// Structural equality that tells `.int` from `.double` and `-0.0` from `0.0`,
    /// unlike `JSONValue.==`, which compares numbers by value.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y && x.sign == y.sign
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)): x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: false
        }
    }

    // MARK: Parsing

    @Test func everyLiteralKindParsesToItsCase() throws {
        #expect(Self.identical(try Self.parse("null"), .null))
        #expect(Self.identical(try Self.parse("true"), .bool(true)))
        #expect(Self.identical(try Self.parse("false"), .bool(false)))
        #expect(Self.identical(try Self.parse("42"), .int(42)))
        #expect(Self.identical(try Self.parse("-7"), .int(-7)))
        #expect(Self.identical(try Self.parse("2.5"), .double(2.5)))
        #expect(Self.identical(try Self.parse(#""text""#), .string("text")))
        #expect(Self.identical(try Self.parse("[]"), .array([])))
        #expect(Self.identical(try Self.parse("{}"), .object([:])))
    }

    @Test func nestedObjectsAndArraysKeepTheirStructure() throws {
        let value = try Self.parse(#"{"a":[1,{"b":[true,null,[]]},"c"],"d":{"e":{"f":-1.5}},"g":{}}"#)
        let expected: JSONValue = .object([
            "a": .array([.int(1), .object(["b": .array([.bool(true), .null, .array([])])]), .string("c")]),
            "d": .object(["e": .object(["f": .double(-1.5)])]),
            "g": .object([:]),
        ])
        #expect(Self.identical(value, expected))
    }

    @Test func whitespaceBetweenTokensIsIgnored() throws {
        let value = try Self.parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] , \"b\"\r\n: { } }\n ")
        #expect(Self.identical(value, .object(["a": .array([.int(1), .int(2)]), "b": .object([:])])))
    }

    @Test func stringEscapesDecodeToTheirCharacters() throws {
        #expect(try Self.parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{08} \u{0C} \n \r \t"))
        #expect(try Self.parse(#""caf\u00e9 \u00E9""#) == .string("café é"))
        #expect(try Self.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try Self.parse(#""a\u0000b""#) == .string("a\u{0}b"))
    }

    @Test func rawMultibyteUTF8PassesThrough() throws {
        #expect(try Self.parse(#""héllo wörld 日本語 😀""#) == .string("héllo wörld 日本語 😀"))
        #expect(try Self.parse(#"{"ключ":"значение\n😀"}"#) == .object(["ключ": .string("значение\n😀")]))
    }

    @Test func integersSpanTheWholeInt64Range() throws {
        #expect(Self.identical(try Self.parse("9223372036854775807"), .int(.max)))
        #expect(Self.identical(try Self.parse("-9223372036854775808"), .int(.min)))
        #expect(Self.identical(try Self.parse("0"), .int(0)))
    }

    @Test func integersBeyondInt64BecomeDoubles() throws {
        #expect(Self.identical(try Self.parse("9223372036854775808"), .double(9_223_372_036_854_775_808.0)))
        #expect(Self.identical(try Self.parse("-9223372036854775809"), .double(-9_223_372_036_854_775_808.0)))
        #expect(Self.identical(try Self.parse("123456789012345678901234567890"), .double(1.2345678901234568e29)))
    }

    @Test func negativeZeroKeepsItsSignAsADoubleAndEqualsZeroAsAnInteger() throws {
        #expect(Self.identical(try Self.parse("-0.0"), .double(-0.0)))
        #expect(Self.identical(try Self.parse("-0"), .int(0)))
        #expect(try Self.parse("-0") == .double(-0.0))
    }

    @Test func exponentsAndFractionsParseAsDoubles() throws {
        #expect(Self.identical(try Self.parse("1e3"), .double(1000)))
        #expect(Self.identical(try Self.parse("-2.5E-3"), .double(-0.0025)))
        #expect(Self.identical(try Self.parse("1E+2"), .double(100)))
        #expect(Self.identical(try Self.parse("0.1"), .double(0.1)))
        #expect(try Self.parse("1e3") == .int(1000))
    }

    struct Rejection: Sendable, CustomTestStringConvertible {
        var input: String
        var offsets: ClosedRange<Int>
        var testDescription: String { "`\(input.prefix(24))`" }
    }

    static let rejections: [Rejection] = [
        .init(input: "[1,2,]", offsets: 5...5),
        .init(input: #"{"a":1,}"#, offsets: 7...7),
        .init(input: #""abc"#, offsets: 4...4),
        .init(input: #""a\nb"#, offsets: 5...5),
        .init(input: "\"a\nb\"", offsets: 2...2),
        .init(input: "\"a\\nb\u{01}\"", offsets: 5...5),
        .init(input: "\"tab\there\"", offsets: 4...4),
        .init(input: #""\x""#, offsets: 1...3),
        .init(input: #""\u12G4""#, offsets: 1...5),
        .init(input: #""\u12""#, offsets: 1...3),
        .init(input: #""\ud83d\u0041""#, offsets: 7...13),
        .init(input: "-", offsets: 0...1),
        .init(input: "[-]", offsets: 1...2),
        .init(input: "tru", offsets: 0...0),
        .init(input: "trve", offsets: 0...0),
        .init(input: "nul", offsets: 0...0),
        .init(input: "1 2", offsets: 2...2),
        .init(input: #"{"a":1} x"#, offsets: 8...8),
        .init(input: "[1] ]", offsets: 4...4),
        .init(input: "", offsets: 0...0),
        .init(input: " \n ", offsets: 3...3),
        .init(input: "[1 2]", offsets: 3...3),
        .init(input: #"{"a" 1}"#, offsets: 5...5),
        .init(input: "{a:1}", offsets: 1...1),
        .init(input: "[1,", offsets: 3...3),
        .init(input: "+1", offsets: 0...0),
        .init(input: String(repeating: "[", count: 513) + String(repeating: "]", count: 513), offsets: 512...512),
    ]

    @Test(arguments: rejections)
    func malformedInputIsRejectedWithTheByteOffset(_ case: Rejection) {
        let failure = #expect(throws: JSONParser.Failure.self) { try Self.parse(`case`.input) }
        guard let failure else { return }
        #expect(`case`.offsets.contains(failure.offset), "\(failure)")
        #expect(failure.description.hasSuffix("at byte \(failure.offset)"))
    }

    @Test func nestingOf512LevelsIsAcceptedAnd513Rejected() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        var value = try Self.parse(deepest)
        var depth = 0
        while case .array(let elements) = value, let first = elements.first { value = first; depth += 1 }
        #expect(depth == 511)
        let tooDeep = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
        let failure = #expect(throws: JSONParser.Failure.self) { try Self.parse(tooDeep) }
        #expect(failure?.reason.contains("512") == true)
    }

    @Test func numbersRFC8259ForbidsAreRejected() {
        for text in ["01", "-01", "1.", "-.5", "1.e3", "00"] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try Self.parse(text) }
        }
    }

    @Test func aNumberBeyondDoubleRangeIsRejectedRatherThanReadAsInfinity() throws {
        #expect(throws: JSONParser.Failure.self) { try Self.parse("1e400") }
    }

    // MARK: Writing

    @Test func objectKeysAreWrittenSortedAtEveryLevel() {
        let value: JSONValue = .object(["b": .int(1), "a": .object(["z": .null, "m": .bool(false), "A": .int(0)]), "C": .array([])])
        #expect(Self.written(value) == #"{"C":[],"a":{"A":0,"m":false,"z":null},"b":1}"#)
    }

    @Test func stringsEscapeQuotesBackslashesNewlinesAndControlCharacters() {
        #expect(Self.written(.string("say \"hi\" \\ a/b")) == #""say \"hi\" \\ a/b""#)
        #expect(Self.written(.string("l1\nl2\r\tend")) == #""l1\nl2\r\tend""#)
        #expect(Self.written(.string("\u{01}\u{08}\u{0C}\u{1F}\u{0}")) == #""\u0001\u0008\u000c\u001f\u0000""#)
        #expect(Self.written(.string("é😀")) == "\"é😀\"")
        #expect(Self.written(.object(["k\"\n": .string("v")])) == #"{"k\"\n":"v"}"#)
    }

    @Test func doublesAreWrittenShortestAndIntegralOnesAsIntegers() throws {
        #expect(Self.written(.double(0.1)) == "0.1")
        #expect(Self.written(.double(-2.5e-3)) == "-0.0025")
        #expect(Self.written(.double(1e300)) == "1e+300")
        #expect(try Self.parse(Self.written(.double(1e300))) == .double(1e300))
        #expect(Self.written(.double(2.0)) == "2")
        #expect(Self.identical(try Self.parse(Self.written(.double(2.0))), .int(2)))
        #expect(try Self.parse(Self.written(.double(2.0))) == .double(2.0))
        #expect(Self.written(.int(.min)) == "-9223372036854775808")
    }

    @Test func nonFiniteDoublesAreWrittenAsNull() {
        #expect(Self.written(.double(.infinity)) == "null")
        #expect(Self.written(.double(-.infinity)) == "null")
        #expect(Self.written(.double(.nan)) == "null")
        #expect(Self.written(.array([.int(1), .double(.nan)])) == "[1,null]")
    }

    // MARK: Round trips

    struct TreeGenerator {
        var random: SplitMix64
        static let scalarRanges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x22...0x22, 0x5C...0x5C, 0x2F...0x2F,
            0xA0...0x24F, 0x4E00...0x4FFF, 0x1F600...0x1F64F, 0x2028...0x2029,
        ]

        mutating func string() -> String {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                let range = Self.scalarRanges.randomElement(using: &random)!
                text.append(Unicode.Scalar(UInt32.random(in: range, using: &random))!)
            }
            return String(text)
        }

        mutating func double() -> Double {
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                let bits = Double(bitPattern: random.next())
                return bits.isFinite ? bits : 0.5
            case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 100
            case 2: return Double.random(in: -1...1, using: &random) * pow(10, Double(Int.random(in: -40...40, using: &random)))
            default: return Double(Int.random(in: -5000...5000, using: &random))
            }
        }

        mutating func value(depth: Int = 0) -> JSONValue {
            let kinds = depth >= 4 ? 5 : 7
            switch Int.random(in: 0..<kinds, using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .int(Bool.random(using: &random) ? Int64(bitPattern: random.next()) : Int64.random(in: -1000...1000, using: &random))
            case 3: return .double(double())
            case 4: return .string(string())
            case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0...4, using: &random) { members[string()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    /// Foundation's reading of a document as a `JSONValue`. Booleans come back as the
    /// `NSNumber(value: true)` class; Int64.min as an `NSDecimalNumber`.
    static func fromFoundation(_ object: Any) -> JSONValue? {
        if object is NSNull { return .null }
        if let text = object as? String { return .string(text) }
        if let number = object as? NSNumber {
            if ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true))) { return .bool(number.boolValue) }
            if number is NSDecimalNumber { return Int64(number.description).map(JSONValue.int) ?? .double(number.doubleValue) }
            switch String(cString: number.objCType) {
            case "d", "f": return .double(number.doubleValue)
            default: return .int(number.int64Value)
            }
        }
        if let elements = object as? [Any] {
            let values = elements.compactMap(fromFoundation)
            return values.count == elements.count ? .array(values) : nil
        }
        if let members = object as? [String: Any] {
            let values = members.compactMapValues(fromFoundation)
            return values.count == members.count ? .object(values) : nil
        }
        return nil
    }

    /// Where Foundation's reading first differs from the document, or nil when it does not.
    /// Foundation on Linux reads some 17-digit doubles a few ulps off (`-7.139068241594119e-40`
    /// as `…121e-40`; JSONParser reads them exactly, as the round trip checks), so doubles
    /// only need to agree to 1e-14 relative here.
    static func difference(_ a: JSONValue, _ b: JSONValue, at path: String = "$") -> String? {
        switch (a, b) {
        case (.array(let x), .array(let y)) where x.count == y.count:
            return zip(x, y).enumerated().lazy.compactMap { difference($1.0, $1.1, at: "\(path)[\($0)]") }.first
        case (.object(let x), .object(let y)) where Set(x.keys) == Set(y.keys):
            return x.keys.sorted().lazy.compactMap { difference(x[$0]!, y[$0]!, at: "\(path).\($0.debugDescription)") }.first
        case (.double(let x), .double(let y)) where abs(x - y) <= 1e-14 * max(abs(x), abs(y)) || (abs(x) < 1e-300 && abs(y) < 1e-300):
            return nil
        // Foundation turns integral doubles such as 2.4836628667652014e+18 into integers
        // rounded in decimal, so an integer from Foundation matches a double only loosely.
        case (.int(let x), .double(let y)) where abs(Double(x) - y) <= 1e-14 * abs(y):
            return nil
        default:
            return a == b ? nil : "\(path): \(a) vs \(b)"
        }
    }

    @Test func randomDocumentsSurviveWriteThenParseAndFoundationReadsTheSame() throws {
        var generator = TreeGenerator(random: SplitMix64(seed: 0x5EED_2026))
        var failures = 0
        for index in 0..<2_000 where failures < 3 {
            let value = generator.value()
            let data = JSONWriter.write(value)
            let text = String(decoding: data, as: UTF8.self)
            let parsed = try JSONParser.parse(data)
            if parsed != value { failures += 1; Issue.record("document \(index) changed in a round trip: \(text)") }
            if JSONWriter.write(parsed) != data { failures += 1; Issue.record("document \(index) rewritten differently: \(text)") }
            let foundation = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            if let difference = Self.difference(Self.fromFoundation(foundation) ?? .null, value) {
                failures += 1; Issue.record("Foundation reads document \(index) differently at \(difference): \(text)")
            }
        }
    }

    // MARK: Numeric equality

    @Test func integerAndEqualDoubleAreEqualAndHashAlike() {
        #expect(JSONValue.int(2) == .double(2.0))
        #expect(JSONValue.double(2.0) == .int(2))
        #expect(JSONValue.int(2).hashValue == JSONValue.double(2.0).hashValue)
        #expect(JSONValue.int(0) == .double(-0.0))
        #expect(JSONValue.int(0).hashValue == JSONValue.double(-0.0).hashValue)
        #expect(JSONValue.int(2) != .double(2.5))
        #expect(JSONValue.int(1) != .bool(true))
        #expect(JSONValue.int(0) != .null)
        #expect(Set<JSONValue>([.int(2), .double(2.0), .int(3)]).count == 2)
        let nested: Set<JSONValue> = [.object(["n": .array([.int(7)])]), .object(["n": .array([.double(7)])])]
        #expect(nested.count == 1)
    }

    @Test func numericEqualityIsTransitiveForLargeIntegers() {
        let exact = Int64(1) << 53
        #expect(JSONValue.int(exact + 1) != .double(Double(exact)))
        #expect(JSONValue.int(.max) != .double(0x1p63))
        #expect(JSONValue.int(exact + 1) != .int(exact))
        #expect(JSONValue.int(exact) == .double(Double(exact)))
    }

    @Test func readingAnOutOfRangeDoubleAsAnIntegerThrowsRatherThanTraps() async {
        await #expect(processExitsWith: .success) {
            let event = try? JSONObjectReader(.object(["attempt": .double(1e300)]), context: "event")
            _ = try? event?.int("attempt")
        }
    }
}

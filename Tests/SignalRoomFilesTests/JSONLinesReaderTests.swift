import Foundation
import SignalRoomPipelines
import Testing
@testable import SignalRoomFiles

@Suite("JSONLinesReader")
struct JSONLinesReaderTests {
    // MARK: Classification

    @Test func scalarsAreClassifiedWithoutLosingDigits() throws {
        let line =
            #"{"n":null,"t":true,"f":false,"i":42,"neg":-7,"max":9223372036854775807,"min":-9223372036854775808,"#
            + #""big":9223372036854775808,"huge":-123456789012345678901234567890,"d":0.1,"price":2500.50,"#
            + #""fifteen":123456789.012345,"long":0.1000000000000000055511151231257827,"sixteen":1234567890.123456,"#
            + #""exp":1e5,"expFrac":2.5E-3,"zero":0,"negZero":-0.0,"s":"hello","date":"2024-12-01"}"#
        let object = try readAll(line).first!
        let expected: [(String, FieldValue)] = [
            ("n", .null), ("t", .bool(true)), ("f", .bool(false)), ("i", .int(42)), ("neg", .int(-7)),
            ("max", .int(.max)), ("min", .int(.min)),
            ("big", .decimal("9223372036854775808")), ("huge", .decimal("-123456789012345678901234567890")),
            ("d", .decimal("0.1")), ("price", .decimal("2500.50")), ("fifteen", .decimal("123456789.012345")),
            ("long", .decimal("0.1000000000000000055511151231257827")), ("sixteen", .decimal("1234567890.123456")),
            ("exp", .decimal("1e5")), ("expFrac", .decimal("2.5E-3")), ("zero", .int(0)), ("negZero", .decimal("-0.0")),
            ("s", .text("hello")), ("date", .text("2024-12-01")),
        ]
        #expect(object.map(\.0) == expected.map(\.0))
        #expect(object.map(\.1) == expected.map(\.1))
    }

    @Test func nestedObjectsAndArraysBecomeCompactJSONInTheirOriginalOrder() throws {
        let line =
            #"{ "id" : 1, "meta": { "z": 1, "a": [ 1, 2.50, "x, y" ], "e": {} , "u": "\u00e9\n" }, "tags": [ ], "list":[{"b":null,"a":true}] }"#
        let object = try readAll(line).first!
        #expect(object.map(\.0) == ["id", "meta", "tags", "list"])
        #expect(
            object.map(\.1) == [
                .int(1),
                .json(#"{"z":1,"a":[1,2.50,"x, y"],"e":{},"u":"\u00e9\n"}"#),
                .json("[]"),
                .json(#"[{"b":null,"a":true}]"#),
            ])
    }

    @Test func stringEscapesAndUnicodeAreDecoded() throws {
        let line = #"{"a":"caf\u00e9 \"q\" \\ \/ \t","b":"\ud83c\udf89","c":"日本 🎉 é"}"#
        let object = try readAll(line).first!
        #expect(object.map(\.1) == [.text("café \"q\" \\ / \t"), .text("🎉"), .text("日本 🎉 é")])
    }

    @Test func aRepeatedKeyKeepsItsFirstPlaceAndItsLastValue() throws {
        let object = try readAll(#"{"a":1,"b":2,"a":3}"#).first!
        #expect(object.map(\.0) == ["a", "b"])
        #expect(object.map(\.1) == [.int(3), .int(2)])
    }

    // MARK: Lines

    @Test func blankLinesAreSkippedAndRecordLineCountsThem() throws {
        let text = "{\"a\":1}\n\n   \n{\"a\":2}\r\n\t\r\n{}\n\n"
        let file = try TemporaryFile(text)
        var reader = try JSONLinesReader(path: file.path, displayName: "events.jsonl")
        var seen: [(Int, Int)] = []
        while let object = try reader.nextObject() { seen.append((object.count, reader.recordLine)) }
        #expect(seen.map(\.1) == [1, 4, 6])
        #expect(seen.map(\.0) == [1, 1, 0])
        #expect(reader.recordsRead == 3)
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test func aByteOrderMarkAndAMissingFinalNewlineAreFine() throws {
        let file = try TemporaryFile(Data([0xEF, 0xBB, 0xBF]) + Data("{\"a\":1}\r\n{\"a\":2}".utf8))
        var reader = try JSONLinesReader(path: file.path, displayName: "e.jsonl")
        #expect(try reader.nextObject()?.first?.1 == .int(1))
        #expect(try reader.nextObject()?.first?.1 == .int(2))
        #expect(try reader.nextObject() == nil)
    }

    @Test func linesAcrossBufferBoundariesAreReadWhole() throws {
        var text = ""
        for index in 0..<500 {
            let padding = String(repeating: "é", count: index % 37)
            text += #"{"id":\#(index),"pad":"\#(padding)","nested":{"list":[\#(index),"\#(padding)"]}}"# + "\n"
            if index % 10 == 0 { text += "\n" }
        }
        let file = try TemporaryFile(text)
        for bufferSize in [16, 31, 100, 1 << 20] {
            var reader = try JSONLinesReader(path: file.path, displayName: "big.jsonl", bufferSize: bufferSize)
            var ids: [FieldValue] = []
            while let object = try reader.nextObject() {
                ids.append(object[0].1)
                #expect(object[2].1 == .json(#"{"list":[\#(ids.count - 1),"\#(String(repeating: "é", count: (ids.count - 1) % 37))"]}"#))
            }
            #expect(ids == (0..<500).map { .int(Int64($0)) }, "buffer size \(bufferSize)")
            #expect(reader.bytesRead == text.utf8.count)
        }
    }

    // MARK: Errors

    @Test func aLineThatIsNotAnObjectNamesTheFileTheLineAndShowsItsStart() throws {
        let long = "[" + String(repeating: "1,", count: 60) + "1]"
        let file = try TemporaryFile("{\"a\":1}\n\n\(long)\n{\"a\":2}\n")
        var reader = try JSONLinesReader(path: file.path, displayName: "exports/events.jsonl")
        _ = try reader.nextObject()
        let error = #expect(throws: FileFormatError.self) { try reader.nextObject() }
        guard case .notAJSONObject(let name, let line, _, let excerpt) = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(name == "exports/events.jsonl")
        #expect(line == 3)
        #expect(excerpt == String(long.prefix(80)) + "…")
        #expect(error?.description.hasPrefix("exports/events.jsonl line 3: not a JSON object") == true)
        // The bad line is consumed; reading goes on after it.
        #expect(try reader.nextObject()?.first?.1 == .int(2))
    }

    @Test func malformedObjectsAreErrors() throws {
        let lines = [
            #"{"a":1,}"#, #"{"a":1} x"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":tru}"#,
            #"{"a":"unclosed}"#, #"{"a":[1,2}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, "{\"a\":\"tab\there\"}",
            #""just a string""#, "42", #"{"a":{"b":[1,]}}"#,
        ]
        for line in lines {
            let file = try TemporaryFile(line + "\n")
            var reader = try JSONLinesReader(path: file.path, displayName: "bad.jsonl")
            let error = #expect(throws: FileFormatError.self, "\(line)") { try reader.nextObject() }
            if case .notAJSONObject(_, 1, _, let excerpt) = error {
                #expect(excerpt == line)
            } else {
                Issue.record("\(line): \(String(describing: error))")
            }
        }
    }

    @Test func aLineLongerThanTheLimitIsAnError() throws {
        let file = try TemporaryFile("{\"a\":1}\n{\"a\":\"" + String(repeating: "x", count: 200) + "\"}\n")
        var reader = try JSONLinesReader(path: file.path, displayName: "wide.jsonl", bufferSize: 16)
        reader.maximumLineLength = 64
        _ = try reader.nextObject()
        #expect(throws: FileFormatError.recordTooLong(file: "wide.jsonl", line: 2, limit: 64)) { try reader.nextObject() }
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let bytes = Data("{\"a\":1}\n{\"a\":\"caf".utf8) + Data([0xE9]) + Data("\"}\n".utf8)
        let file = try TemporaryFile(bytes)
        var reader = try JSONLinesReader(path: file.path, displayName: "latin1.jsonl")
        _ = try reader.nextObject()
        let error = #expect(throws: FileFormatError.self) { try reader.nextObject() }
        #expect(error == .invalidUTF8(file: "latin1.jsonl", line: 2, byteOffset: bytes.count - 4))
        #expect(error?.description.contains("latin1.jsonl line 2") == true)
    }

    @Test func aMissingFileIsAnErrorNamingThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).jsonl").path
        let error = #expect(throws: FileFormatError.self) { try JSONLinesReader(path: path, displayName: "x.jsonl") }
        #expect(error?.description.contains(path) == true)
    }
}

private func readAll(_ text: String) throws -> [[(String, FieldValue)]] {
    let file = try TemporaryFile(text + "\n")
    var reader = try JSONLinesReader(path: file.path, displayName: "test.jsonl")
    var objects: [[(String, FieldValue)]] = []
    while let object = try reader.nextObject() { objects.append(object) }
    return objects
}

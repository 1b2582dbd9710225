import Foundation
import SignalRoomCore
import SignalRoomPipelines
import Testing
@testable import SignalRoomFiles

/// The JSON Lines reader and the history parser share one lexer (`JSONScanner`): a string or
/// a number means the same to both, and what one refuses the other refuses too.
@Suite("one JSON lexer")
struct JSONLexingAgreementTests {
    /// `{"v": <literal>}` read as a row and as a strict `JSONValue` tree.
    private func both(_ literal: String) -> (row: Result<FieldValue, Error>, tree: Result<JSONValue, Error>) {
        let line = #"{"v": "# + literal + "}"
        let row = Result<FieldValue, Error> {
            let file = try TemporaryFile(line + "\n")
            var reader = try JSONLinesReader(path: file.path, displayName: "agree.jsonl")
            return try reader.nextObject()!.first!.1
        }
        let tree = Result<JSONValue, Error> {
            guard case .object(let members) = try JSONValue(parsingStrictly: Data(line.utf8)) else {
                throw JSONSyntaxError(offset: 0, reason: "not an object")
            }
            return members["v"]!
        }
        return (row, tree)
    }

    @Test(arguments: [
        #""plain""#, #""Zoë \"quoted\" \\ back\/slash""#, #""\u00e9\u20ac\ud83d\ude00 and \n\t\r\b\f""#, #""""#,
        #""mixed é then \n then ü""#,
    ])
    func stringsDecodeToTheSameText(_ literal: String) throws {
        let (row, tree) = both(literal)
        guard case .text(let text) = try row.get(), case .string(let string) = try tree.get() else {
            Issue.record("\(literal): \(row) \(tree)")
            return
        }
        #expect(text == string)
    }

    @Test(arguments: ["0", "-0", "42", "-9223372036854775808", "9223372036854775807"])
    func integersThatFitAreIntegersToBoth(_ literal: String) throws {
        let (row, tree) = both(literal)
        #expect(try row.get() == .int(Int64(literal)!))
        #expect(try tree.get() == .int(Int64(literal)!))
    }

    @Test(arguments: [
        #""unclosed"#, #""bad \x escape""#, #""lone \ud83d surrogate""#, #""pair \ud83d\u0041 broken""#, #""short \u12""#,
        "01", "-", "1.", "1e", "+1", ".5", "tru", "nul", "\"tab\there\"",
    ])
    func whatOneRefusesTheOtherRefuses(_ literal: String) {
        let (row, tree) = both(literal)
        #expect((try? row.get()) == nil, "the reader took \(literal)")
        #expect((try? tree.get()) == nil, "the parser took \(literal)")
    }

    @Test func bytesThatAreNotUTF8AreRefusedByBothAtTheSameByte() throws {
        var line = Data(#"{"v": "caf"#.utf8)
        let offset = line.count
        line.append(0xE9)
        line.append(contentsOf: Data(#"\n ok"}"#.utf8))
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsingStrictly: line) }
        do {
            _ = try JSONValue(parsingStrictly: line)
        } catch let error as JSONSyntaxError {
            #expect(error.offset == offset)
        }
        let file = try TemporaryFile(line + Data("\n".utf8))
        var reader = try JSONLinesReader(path: file.path, displayName: "agree.jsonl")
        #expect(throws: FileFormatError.invalidUTF8(file: "agree.jsonl", line: 1, byteOffset: offset)) { _ = try reader.nextObject() }
        // Histories are parsed leniently: the same bytes become U+FFFD there.
        guard case .object(let members) = try JSONValue(parsing: line), case .string(let text)? = members["v"] else {
            Issue.record("lenient parse")
            return
        }
        #expect(text == "caf\u{FFFD}\n ok")
    }
}

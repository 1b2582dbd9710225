import Foundation
import Testing
@testable import SignalRoomFiles

@Suite("CSVReader")
struct CSVReaderTests {
    // MARK: Fields

    @Test func quotedFieldsKeepCommasAndDoubledQuotes() throws {
        let file = try TemporaryFile(
            #"""
            id,name,note
            1,"Smith, Jane","She said ""hi"""
            2,"""quoted""",""
            """#)
        let (header, records) = try readAll(file)
        #expect(header == ["id", "name", "note"])
        #expect(records == [["1", "Smith, Jane", #"She said "hi""#], ["2", #""quoted""#, ""]])
    }

    @Test func emptyFieldsAndATrailingCommaAreEmptyStrings() throws {
        let file = try TemporaryFile("a,b,c\n,,\n1,,\n,2,\n")
        let (_, records) = try readAll(file)
        #expect(records == [["", "", ""], ["1", "", ""], ["", "2", ""]])
    }

    @Test func quotedFieldsKeepEmbeddedLineBreaksAndLaterRecordsCountThem() throws {
        let file = try TemporaryFile("id,text\n1,\"line one\nline two\"\n2,\"crlf one\r\ncrlf two\r\ncrlf three\"\r\n3,plain\n")
        var reader = try CSVReader(path: file.path, displayName: "notes.csv")
        _ = try reader.readHeader()
        var fields: [String] = []
        var seen: [([String], Int)] = []
        while try reader.nextRecord(into: &fields) { seen.append((fields, reader.recordLine)) }
        #expect(seen.map(\.0) == [["1", "line one\nline two"], ["2", "crlf one\r\ncrlf two\r\ncrlf three"], ["3", "plain"]])
        #expect(seen.map(\.1) == [2, 4, 7])
    }

    @Test func aQuoteInsideAnUnquotedFieldOrAfterAClosingQuoteIsKeptLiterally() throws {
        let file = try TemporaryFile("a,b\n5\" pipe,\"ab\"cd\"e\n")
        let (_, records) = try readAll(file)
        #expect(records == [["5\" pipe", "abcd\"e"]])
    }

    @Test func unicodeFieldsComeBackUnchanged() throws {
        let file = try TemporaryFile("city,word,mood\nCafé,日本,\"🎉, 👍🏽\"\n")
        let (_, records) = try readAll(file)
        #expect(records == [["Café", "日本", "🎉, 👍🏽"]])
    }

    // MARK: Lines and layout

    @Test func byteOrderMarkIsDroppedFromTheFirstHeaderName() throws {
        let file = try TemporaryFile(Data([0xEF, 0xBB, 0xBF]) + Data("id,name\n1,a\n".utf8))
        let (header, records) = try readAll(file)
        #expect(header == ["id", "name"])
        #expect(records == [["1", "a"]])
    }

    @Test func crlfFilesReadLikeLFFiles() throws {
        let file = try TemporaryFile("id,name\r\n1,a\r\n2,\"b\"\r\n")
        let (header, records) = try readAll(file)
        #expect(header == ["id", "name"])
        #expect(records == [["1", "a"], ["2", "b"]])
    }

    @Test func theLastRecordNeedsNoLineEnding() throws {
        for text in ["id,name\n1,a\n2,b", "id,name\n1,a\n2,\"b\"", "id,name\r\n1,a\r\n2,"] {
            let file = try TemporaryFile(text)
            let (_, records) = try readAll(file)
            #expect(records.count == 2)
            #expect(records.last?.first == "2")
        }
    }

    @Test func blankLinesAreSkippedAndLineNumbersStayPhysical() throws {
        let file = try TemporaryFile("id,name\n\n1,a\n\r\n\n2,b\n\n")
        var reader = try CSVReader(path: file.path, displayName: "people.csv")
        _ = try reader.readHeader()
        #expect(reader.recordLine == 1)
        var fields: [String] = []
        var lines: [Int] = []
        while try reader.nextRecord(into: &fields) { lines.append(reader.recordLine) }
        #expect(lines == [3, 6])
        #expect(reader.recordsRead == 2)
    }

    @Test func headerOnlyFileHasAHeaderAndNoRecords() throws {
        for text in ["id,name", "id,name\n", "id,name\r\n\r\n"] {
            let file = try TemporaryFile(text)
            var reader = try CSVReader(path: file.path, displayName: "header.csv")
            #expect(try reader.readHeader() == ["id", "name"])
            var fields = ["left over"]
            #expect(try reader.nextRecord(into: &fields) == false)
            #expect(fields.isEmpty)
            #expect(try reader.nextRecord(into: &fields) == false)
        }
    }

    @Test func progressCountsBytesAndRecords() throws {
        let text = "id\n1\n22\n"
        let file = try TemporaryFile(text)
        var reader = try CSVReader(path: file.path, displayName: "ids.csv")
        #expect(reader.bytesRead == 0)
        _ = try reader.readHeader()
        #expect(reader.bytesRead == 3)
        var fields: [String] = []
        while try reader.nextRecord(into: &fields) {}
        #expect(reader.bytesRead == text.utf8.count)
        #expect(reader.recordsRead == 2)
    }

    // MARK: Buffer boundaries

    @Test func recordsAcrossBufferBoundariesAreReadWhole() throws {
        var generator = SplitMix(seed: 42)
        let samples = ["plain", "with, comma", "say \"hi\"", "two\nlines", "crlf\r\nline", "é日本🎉", "", " spaced ", "a\"b"]
        var expected: [[String]] = []
        var text = "a,b,c,d\r\n"
        var expectedLines: [Int] = []
        var line = 2
        for index in 0..<2_000 {
            var record = [String(index)]
            for _ in 0..<3 { record.append(samples[Int(generator.next() % UInt64(samples.count))]) }
            if index % 97 == 0 { record[3] = String(repeating: "long field, ", count: 40) }
            expected.append(record)
            expectedLines.append(line)
            let encoded = record.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r\n" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }
            text += encoded.joined(separator: ",") + (index % 2 == 0 ? "\n" : "\r\n")
            line += 1 + record.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count }
            if index % 50 == 0 {
                text += "\n"
                line += 1
            }
        }
        let file = try TemporaryFile(text)
        for bufferSize in [16, 17, 64, 333, 4096, 1 << 20] {
            var reader = try CSVReader(path: file.path, displayName: "big.csv", bufferSize: bufferSize)
            #expect(try reader.readHeader() == ["a", "b", "c", "d"])
            var records: [[String]] = []
            var lines: [Int] = []
            var fields: [String] = []
            while try reader.nextRecord(into: &fields) {
                records.append(fields)
                lines.append(reader.recordLine)
            }
            #expect(records == expected, "buffer size \(bufferSize)")
            #expect(lines == expectedLines, "buffer size \(bufferSize)")
            #expect(reader.bytesRead == text.utf8.count)
        }
    }

    @Test func aByteOrderMarkAndCRLFSplitByASmallBufferAreStillRecognised() throws {
        let file = try TemporaryFile(Data([0xEF, 0xBB, 0xBF]) + Data("x\r\n1\r\n\r\n2\r".utf8))
        for bufferSize in [16, 17, 18] {
            var reader = try CSVReader(path: file.path, displayName: "x.csv", bufferSize: bufferSize)
            #expect(try reader.readHeader() == ["x"])
            var fields: [String] = []
            var records: [[String]] = []
            while try reader.nextRecord(into: &fields) { records.append(fields) }
            #expect(records == [["1"], ["2"]])
        }
    }

    // MARK: Errors

    @Test func raggedRowErrorNamesTheFileTheLineAndBothCounts() throws {
        let file = try TemporaryFile("a,b,c\n1,2,3\n\"x,\ny\",2,3\n1,2,3,4\n1,2,3\n")
        var reader = try CSVReader(path: file.path, displayName: "orders-create/orders.csv")
        _ = try reader.readHeader()
        var fields: [String] = []
        #expect(try reader.nextRecord(into: &fields))
        #expect(try reader.nextRecord(into: &fields))
        let error = #expect(throws: FileFormatError.self) { try reader.nextRecord(into: &fields) }
        #expect(error == .raggedRow(file: "orders-create/orders.csv", line: 5, fields: 4, headerFields: 3))
        #expect(error?.description == "orders-create/orders.csv line 5: 4 fields, the header has 3; quote fields that contain commas")
        // The bad record is consumed; reading goes on after it.
        #expect(try reader.nextRecord(into: &fields))
        #expect(reader.recordLine == 6)
    }

    @Test func aShortRowIsReportedToo() throws {
        let file = try TemporaryFile("a,b,c\n1,2\n")
        var reader = try CSVReader(path: file.path, displayName: "short.csv")
        _ = try reader.readHeader()
        var fields: [String] = []
        let error = #expect(throws: FileFormatError.self) { try reader.nextRecord(into: &fields) }
        #expect(error?.description.hasPrefix("short.csv line 2: 2 fields, the header has 3") == true)
    }

    @Test func invalidUTF8IsAnErrorNamingTheLineAndByteOffset() throws {
        var bytes = Data("id,name\n1,ok\n2,\"bad".utf8)
        let offset = bytes.count
        bytes += Data([0xC3, 0x28]) + Data("\"\n".utf8)
        let file = try TemporaryFile(bytes)
        var reader = try CSVReader(path: file.path, displayName: "latin1.csv")
        _ = try reader.readHeader()
        var fields: [String] = []
        #expect(try reader.nextRecord(into: &fields))
        let error = #expect(throws: FileFormatError.self) { try reader.nextRecord(into: &fields) }
        #expect(error == .invalidUTF8(file: "latin1.csv", line: 3, byteOffset: offset))
        #expect(error?.description.contains("latin1.csv line 3") == true)
    }

    @Test func invalidUTF8AfterALineBreakInAQuotedFieldNamesItsOwnLine() throws {
        let bytes = Data("id,text\n1,\"first\nsecond ".utf8) + Data([0xFF]) + Data("\"\n".utf8)
        let file = try TemporaryFile(bytes)
        var reader = try CSVReader(path: file.path, displayName: "notes.csv")
        _ = try reader.readHeader()
        var fields: [String] = []
        let error = #expect(throws: FileFormatError.self) { try reader.nextRecord(into: &fields) }
        #expect(error == .invalidUTF8(file: "notes.csv", line: 3, byteOffset: bytes.count - 3))
    }

    @Test func invalidUTF8InTheHeaderIsAnError() throws {
        let file = try TemporaryFile(Data([0x69, 0x64, 0xE9, 0x0A]))
        var reader = try CSVReader(path: file.path, displayName: "h.csv")
        #expect(throws: FileFormatError.invalidUTF8(file: "h.csv", line: 1, byteOffset: 2)) { try reader.readHeader() }
    }

    @Test func unterminatedQuoteNamesTheLineWhereTheQuoteOpened() throws {
        let file = try TemporaryFile("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n")
        var reader = try CSVReader(path: file.path, displayName: "broken.csv")
        _ = try reader.readHeader()
        var fields: [String] = []
        #expect(try reader.nextRecord(into: &fields))
        let error = #expect(throws: FileFormatError.self) { try reader.nextRecord(into: &fields) }
        #expect(error == .unterminatedQuote(file: "broken.csv", line: 3))
        #expect(error?.description.hasPrefix("broken.csv line 3: ") == true)
    }

    @Test func aStrayQuoteCannotMakeTheReaderHoldTheRestOfTheFile() throws {
        let file = try TemporaryFile("a,b\n1,2\n3,\"oops\n" + String(repeating: "4,5\n", count: 100))
        var reader = try CSVReader(path: file.path, displayName: "stray.csv", bufferSize: 16)
        reader.maximumRecordLength = 64
        _ = try reader.readHeader()
        var fields: [String] = []
        #expect(try reader.nextRecord(into: &fields))
        let error = #expect(throws: FileFormatError.self) { try reader.nextRecord(into: &fields) }
        #expect(error == .recordTooLong(file: "stray.csv", line: 3, limit: 64))
        #expect(error?.description.hasPrefix("stray.csv line 3: the record that starts here is longer than 64 bytes") == true)
    }

    @Test func emptyFileHasNoHeaderLine() throws {
        for text in ["", "\n", "\r\n\r\n", "  \n\t\n  "] {
            let file = try TemporaryFile(text)
            var reader = try CSVReader(path: file.path, displayName: "empty.csv")
            let error = #expect(throws: FileFormatError.self) { try reader.readHeader() }
            #expect(error == .emptyFile(file: "empty.csv"))
            #expect(error?.description.contains("empty.csv is empty") == true)
            #expect(error?.description.contains("no header line") == true)
        }
    }

    @Test func aMissingFileIsAnErrorNamingThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).csv").path
        let error = #expect(throws: FileFormatError.self) { try CSVReader(path: path, displayName: "x.csv") }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("No such file") == true)
    }

    @Test func aDirectoryCannotBeOpened() throws {
        let path = FileManager.default.temporaryDirectory.path
        #expect(throws: FileFormatError.cannotOpen(path: path, reason: "it is a directory")) {
            try CSVReader(path: path, displayName: "dir")
        }
    }

    // MARK: Throughput

    /// Reads a generated 1,000,000 × 11 file and prints MB/s. Measure in release:
    ///
    ///     swift build -c release --build-tests -Xswiftc -enable-testing
    ///     SIGNALROOM_CSV_BENCH=1 swift test -c release --skip-build --filter csvThroughput
    ///
    /// (`-enable-testing` because this file uses `@testable import`; set
    /// `SIGNALROOM_CSV_BENCH_ROWS` for another size.)
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SIGNALROOM_CSV_BENCH"] != nil))
    func csvThroughput() throws {
        let rows = Int(ProcessInfo.processInfo.environment["SIGNALROOM_CSV_BENCH_ROWS"] ?? "") ?? 1_000_000
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-bench-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        var chunk = "order_id,created_at,customer,email,city,product,quantity,unit_price,total,currency,note\n"
        for row in 0..<rows {
            let note = row % 5 == 0 ? "\"Gift wrap, deliver after 6pm — \"\"fragile\"\" ✓\"" : "none"
            let city = row % 3 == 0 ? "Zürich" : (row % 3 == 1 ? "\"Portland, OR\"" : "東京")
            chunk +=
                "\(1_000_000 + row),2024-12-01T10:\(row % 60):00Z,Customer \(row % 9973),user\(row % 9973)@example.com,\(city),SKU-\(row % 500),\(row % 7 + 1),19.99,\(Double(row % 7 + 1) * 19.99),USD,\(note)\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        try handle.close()
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int

        var best = Duration.seconds(1_000)
        for _ in 0..<3 {
            let clock = ContinuousClock()
            var count = 0
            let elapsed = try clock.measure {
                var reader = try CSVReader(path: url.path, displayName: "bench.csv")
                _ = try reader.readHeader()
                var fields: [String] = []
                while try reader.nextRecord(into: &fields) { count += fields.count }
            }
            #expect(count == rows * 11)
            best = min(best, elapsed)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        print("csvThroughput: \(rows) rows, \(size / 1_000_000) MB in \(seconds) s = \(Int(Double(size) / 1e6 / seconds)) MB/s")
    }
}

// MARK: - Helpers

private func readAll(_ file: TemporaryFile) throws -> (header: [String], records: [[String]]) {
    var reader = try CSVReader(path: file.path, displayName: "test.csv")
    let header = try reader.readHeader()
    var records: [[String]] = []
    var fields: [String] = []
    while try reader.nextRecord(into: &fields) { records.append(fields) }
    return (header, records)
}

/// A file in the temporary directory, removed when the value is released.
final class TemporaryFile {
    let path: String

    init(_ data: Data) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-files-\(UUID().uuidString)").path
        try data.write(to: URL(fileURLWithPath: path))
    }

    convenience init(_ text: String) throws {
        try self.init(Data(text.utf8))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A small deterministic generator, so the boundary test reads the same file every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

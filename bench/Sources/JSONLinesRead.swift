import Foundation
import SignalRoomCore
import SignalRoomFiles

/// `signalroom-bench jsonl-read [ROWS]`: reads a JSON Lines export of ROWS order-like rows
/// (text with escapes and non-ASCII, integers, fractions, a nested object) through
/// `JSONLinesReader` and parses every line of it through `JSONValue(parsing:)`, the
/// engine's history parser, so that the two share one lexer without either slowing down.
/// Prints rows/s and MB/s for each, best of three passes.
enum JSONLinesRead {
    static func run(rows: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-bench-jsonl-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("orders.jsonl").path
        var text = ""
        text.reserveCapacity(rows * 200)
        for row in 0..<rows {
            text +=
                #"{"id": \#(row), "created_at": "2026-11-\#(10 + row % 20)T07:00:00Z", "customer": "Zoë \"the buyer\" #\#(row % 977)", "#
                + #""note": "line one\nline two \u00e9", "amount": \#(row % 10_000).50, "quantity": \#(row % 7), "paid": \#(row % 2 == 0 ? "true" : "false"), "#
                + #""meta": {"channel": "email", "tags": ["a", "b", \#(row % 5)]}, "coupon": null}"# + "\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let bytes = Double(text.utf8.count)
        print("jsonl-read: \(rows) rows, \(String(format: "%.1f", bytes / 1e6)) MB")

        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            var reader = try JSONLinesReader(path: path, displayName: "orders.jsonl")
            var count = 0
            while let object = try reader.nextObject() { count += object.count > 0 ? 1 : 0 }
            guard count == rows else { throw BenchError.unexpected("JSONLinesReader read \(count) rows, not \(rows)") }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("  JSONLinesReader (rows):     \(Int(Double(rows) / best)) rows/s, \(String(format: "%.0f", bytes / best / 1e6)) MB/s")

        let lines = text.split(separator: "\n").map { Data($0.utf8) }
        best = .infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            for line in lines { _ = try JSONValue(parsing: line) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("  JSONValue(parsing:) (tree): \(Int(Double(rows) / best)) rows/s, \(String(format: "%.0f", bytes / best / 1e6)) MB/s")
    }
}

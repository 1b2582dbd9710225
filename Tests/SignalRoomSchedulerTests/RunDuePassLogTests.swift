import Foundation
import SignalRoomScheduler
import Testing

struct RunDuePassLogTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("passlog-\(UUID().uuidString)")

    private func record(_ second: Int) -> RunDuePassRecord {
        var summary = RunDue.Summary()
        summary.fired = second
        return RunDuePassRecord(
            started: Date(timeIntervalSince1970: 1_764_000_000 + Double(second)), durationMilliseconds: 3, asOf: nil, summary: summary,
            exitCode: 0, error: nil)
    }

    @Test func theLogStaysBoundedAndKeepsTheNewestPasses() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let log = RunDuePassLog(stateDirectory: root, maximumBytes: 4096)
        for second in 0..<500 { try log.append(record(second)) }
        let size = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("run-due/passes.jsonl").path)[.size] as? Int
        #expect((size ?? .max) <= 4096, "\(size ?? -1) bytes")
        let recent = try log.recent(limit: 3)
        #expect(recent.map(\.fired) == [499, 498, 497])
        #expect(try log.recent(limit: 1000).count > 5)
    }

    /// Overlapping passes (cron starts one while another still runs) append through the lock:
    /// no line is torn or interleaved, even while one of them trims the file.
    @Test func concurrentAppendsNeverTearALine() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let log = RunDuePassLog(stateDirectory: root, maximumBytes: 16 * 1024)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for index in 0..<100 { try? log.append(record(worker * 1000 + index)) }
        }
        let text = try String(contentsOf: root.appendingPathComponent("run-due/passes.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(text.hasSuffix("\n"))
        #expect(try log.recent(limit: 10_000).count == lines.count, "every line decodes")
        #expect(lines.count > 20)
    }

    /// A line a newer build wrote with more fields still reads; a line that is not a record
    /// (torn by a full disk) is skipped rather than hiding the others.
    @Test func newerFieldsAreReadAndAnUnreadableLineIsSkipped() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let log = RunDuePassLog(stateDirectory: root)
        try log.append(record(1))
        let file = root.appendingPathComponent("run-due/passes.jsonl")
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(
            Data(
                """
                {"durationMilliseconds":9,"exitCode":1,"failed":1,"fired":1,"pid":7,"pruned":0,"resumed":0,"skipped":0,"started":"2026-11-25T10:00:00.000Z","unhandled":0,"version":2,"host":"b"}
                {"durationMillis

                """.utf8))
        try handle.close()
        let recent = try log.recent(limit: 10)
        #expect(recent.map(\.exitCode) == [1, 0])
    }
}

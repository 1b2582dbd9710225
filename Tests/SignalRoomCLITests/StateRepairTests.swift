import Foundation
import Testing

/// The histories are the truth and the index a cache: losing or damaging the index, or a
/// history, must never give an id a second open run, hide open work from `run-due`, or lock
/// an id for good.
@Suite struct StateRepairTests {
    /// Parks `id` on a timer and returns its history file.
    private func parked(_ cli: CLIHarness, _ id: String, timerSeconds: Double = 3600) async throws -> URL {
        let parked = try await cli.run([
            "--park-after", "0.2", "workflow", "start", "demo", "--id", id,
            "--input", demoInput(["timerSeconds": timerSeconds]),
        ])
        #expect(parked.status == 5, "\(parked.stderr)")
        return try cli.historyFile(id)
    }

    private func damageSecondLine(_ file: URL) throws {
        var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "DemoStep", with: "DemoStop")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: false, encoding: .utf8)
    }

    @Test func withTheIndexDeletedAnIdStillHasOnlyOneOpenRun() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        _ = try await parked(cli, "o1")
        try FileManager.default.removeItem(at: cli.state.appendingPathComponent("index"))
        let second = try await cli.run(["workflow", "start", "demo", "--id", "o1"])
        #expect(second.status == 3, "\(second.stdout) \(second.stderr)")
        #expect(second.stderr.contains("already running"))
        #expect(second.stderr.contains("index was missing: rebuilt it from the histories (1 open, 0 closed runs)"))
        let runs = try FileManager.default.contentsOfDirectory(atPath: cli.state.appendingPathComponent("workflows/o1").path)
        #expect(runs.filter { $0.hasSuffix(".jsonl") }.count == 1)
    }

    @Test func withOnlyTheIdsIndexEntryLostTheHistoryStillRefusesASecondRun() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        _ = try await parked(cli, "o2")
        try FileManager.default.removeItem(at: cli.state.appendingPathComponent("index/open/o2.json"))
        let second = try await cli.run(["workflow", "start", "demo", "--id", "o2"])
        #expect(second.status == 3, "\(second.stdout) \(second.stderr)")
        #expect(
            FileManager.default.fileExists(atPath: cli.state.appendingPathComponent("index/open/o2.json").path),
            "the entry is written back")
    }

    @Test func runDueResumesParkedRunsAfterTheIndexWasDeleted() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        _ = try await parked(cli, "wake", timerSeconds: 0.4)
        try FileManager.default.removeItem(at: cli.state.appendingPathComponent("index"))
        try await Task.sleep(for: .milliseconds(500))
        let due = try await cli.run(["workflow", "resume", "--due"])
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.stdout.contains("wake") && due.stdout.contains("completed"))
        #expect(try cli.historyLines("wake").last?.eventType == "WorkflowExecutionCompleted")
    }

    @Test func anUnreadableOpenIndexEntryIsRebuiltFromTheHistory() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        _ = try await parked(cli, "garbled", timerSeconds: 0.4)
        try Data("{\"workflowId\":\"garb".utf8).write(to: cli.state.appendingPathComponent("index/open/garbled.json"))
        try await Task.sleep(for: .milliseconds(500))
        let due = try await cli.run(["workflow", "resume", "--due"])
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.stdout.contains("garbled") && due.stdout.contains("completed"))
    }

    @Test func reindexNamesEveryDamagedHistoryAndExitsWithStateDamaged() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let first = try await parked(cli, "bad-1")
        let second = try await parked(cli, "bad-2")
        _ = try await parked(cli, "fine")
        try damageSecondLine(first)
        try damageSecondLine(second)
        let reindex = try await cli.run(["workflow", "reindex"])
        #expect(reindex.status == 6, "\(reindex.stdout) \(reindex.stderr)")
        #expect(reindex.stdout.contains("3 open, 0 closed runs, 2 damaged"))
        let errors = reindex.stderr.split(separator: "\n")
        #expect(errors.count == 2)
        #expect(errors.contains { $0.contains(first.lastPathComponent) && $0.contains("damaged at line 2") })
        #expect(errors.contains { $0.contains(second.lastPathComponent) && $0.contains("damaged at line 2") })
        let again = try await cli.run(["workflow", "start", "demo", "--id", "bad-1"])
        #expect(again.status == 6, "a damaged run keeps its id until someone restores or terminates it")
    }

    @Test func terminatingADamagedRunKeepsTheFileAsideAndFreesTheId() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try await parked(cli, "broken", timerSeconds: 0.4)
        try damageSecondLine(file)
        let damagedBytes = try Data(contentsOf: file)
        let start = try await cli.run(["workflow", "start", "demo", "--id", "broken"])
        #expect(start.status == 6)
        #expect(start.stderr.contains("signalroom workflow terminate broken --reason"))
        let terminate = try await cli.run(["workflow", "terminate", "broken", "--reason", "disk trouble"])
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("terminated"))
        let directory = file.deletingLastPathComponent()
        let kept = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".jsonl.damaged-") }
        #expect(kept.count == 1)
        #expect(try Data(contentsOf: directory.appendingPathComponent(kept[0])) == damagedBytes, "the damaged file is kept as it was")
        let lines = try cli.historyLines("broken")
        #expect(lines.map(\.eventType) == ["WorkflowExecutionStarted", "WorkflowExecutionTerminated"])
        #expect((lines.last?.attributes["reason"] as? String)?.contains("disk trouble; history damaged at line 2") == true)
        let describe = try await cli.run(["workflow", "describe", "broken"])
        #expect(describe.status == 0 && describe.stdout.contains("terminated"), "\(describe.stderr)")
        try await Task.sleep(for: .milliseconds(500))
        let due = try await cli.run(["workflow", "resume", "--due"])
        #expect(due.status == 0, "\(due.stderr)")
        let fresh = try await cli.run(["workflow", "start", "demo", "--id", "broken"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
    }

    @Test func aTemporaryIndexFileOfAKilledWriterIsRemovedByTheNextOwner() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        _ = try await parked(cli, "tmp", timerSeconds: 0.4)
        // The pid of a process that has exited: what a writer killed mid-replace leaves.
        let finished = try await cli.runTool(["/bin/sh", "-c", "echo $$"])
        let deadPid = finished.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let leftover = cli.state.appendingPathComponent("index/open/tmp.json.tmp-\(deadPid)")
        try Data("{".utf8).write(to: leftover)
        try await Task.sleep(for: .milliseconds(500))
        let resumed = try await cli.run(["workflow", "resume", "tmp"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
    }
}

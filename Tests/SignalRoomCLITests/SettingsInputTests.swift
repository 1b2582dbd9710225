import Foundation
import Testing

/// Durations, dates and `.env` as the binary reads them: one grammar for every option and
/// field, impossible values refused with one line naming the option and the value.
@Suite(.serialized)
struct SettingsInputTests {
    private func oneLine(_ result: CLIHarness.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
    }

    private func runIds(_ cli: CLIHarness, _ workflowId: String) -> [String] {
        let directory = cli.state.appendingPathComponent("workflows/\(workflowId)").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".jsonl") }
    }

    @Test func retentionAndSchedulesShareOneDurationGrammarAndABareNumberIsRefused() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        #expect(try await cli.run(["workflow", "start", "demo", "--id", "kept"]).status == 0)

        let bare = try await cli.run(["workflow", "prune", "--retention", "30"])
        #expect(bare.status == 2 && bare.stderr.contains("--retention \"30\"") && bare.stderr.contains("30d"), "\(bare.stderr)")
        oneLine(bare)
        let fromEnvironment = try await cli.run(["run-due"], environment: ["SIGNALROOM_RETENTION": "30"])
        #expect(fromEnvironment.status == 2 && fromEnvironment.stderr.contains("SIGNALROOM_RETENTION \"30\""), "\(fromEnvironment.stderr)")
        oneLine(fromEnvironment)
        #expect(runIds(cli, "kept").count == 1, "a refused retention must prune nothing")
        let budget = try await cli.run(["run-due", "--max-duration", "50"])
        #expect(budget.status == 2 && budget.stderr.contains("--max-duration \"50\""), "\(budget.stderr)")

        // The spellings of one grammar work in both places.
        let compound = try await cli.run(["workflow", "prune", "--retention", "1h30m"])
        #expect(compound.status == 0 && compound.stdout.contains("pruned 0"), "\(compound.stderr)")
        #expect(try await cli.run(["workflow", "prune", "--retention", "2w"]).status == 0)
        let file = cli.root.appendingPathComponent("schedules.json")
        try Data(#"[{"id": "weekly", "cron": "0 6 * * 1", "workflow": "demo", "catchup_window": "2w", "jitter": "1m30s"}]"#.utf8).write(to: file)
        let setup = try await cli.run(["schedule-setup", "--file", file.path])
        #expect(setup.status == 0, "\(setup.stderr)")
    }

    @Test func pruneRemovesExactlyTheRunsClosedBeforeNowMinusRetention() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        #expect(try await cli.run(["workflow", "start", "demo", "--id", "older"]).status == 0)
        try await Task.sleep(for: .seconds(4))
        #expect(try await cli.run(["workflow", "start", "demo", "--id", "newer"]).status == 0)
        // Both closed today (UTC): pruning by whole days kept both.
        let pruned = try await cli.run(["workflow", "prune", "--retention", "2s"])
        #expect(pruned.status == 0 && pruned.stdout.contains("pruned 1 closed run"), "\(pruned.stdout) \(pruned.stderr)")
        #expect(runIds(cli, "older").isEmpty)
        #expect(runIds(cli, "newer").count == 1)
        let list = try await cli.run(["workflow", "list"])
        #expect(!list.stdout.contains("older") && list.stdout.contains("newer"), "\(list.stdout)")
        let again = try await cli.run(["workflow", "prune", "--retention", "1h"])
        #expect(again.stdout.contains("pruned 0"), "a pruned run is counted once: \(again.stdout)")
    }
}

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
        try await Task.sleep(for: .seconds(8))
        #expect(try await cli.run(["workflow", "start", "demo", "--id", "newer"]).status == 0)
        // Both closed today (UTC): pruning by whole days kept both. The newer run must still be
        // inside the retention when prune starts, which on a loaded machine can take seconds.
        let pruned = try await cli.run(["workflow", "prune", "--retention", "4s"])
        #expect(pruned.status == 0 && pruned.stdout.contains("pruned 1 closed run"), "\(pruned.stdout) \(pruned.stderr)")
        #expect(runIds(cli, "older").isEmpty)
        #expect(runIds(cli, "newer").count == 1)
        let list = try await cli.run(["workflow", "list"])
        #expect(!list.stdout.contains("older") && list.stdout.contains("newer"), "\(list.stdout)")
        let again = try await cli.run(["workflow", "prune", "--retention", "1h"])
        #expect(again.stdout.contains("pruned 0"), "a pruned run is counted once: \(again.stdout)")
    }

    @Test func everyDateAndInstantOptionIsCheckedAgainstTheCalendar() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = cli.root.appendingPathComponent("schedules.json")
        try Data(#"[{"id": "hourly", "cron": "0 * * * *", "workflow": "demo"}]"#.utf8).write(to: file)
        let refused: [([String], String)] = [
            (["run-due", "--now", "2026-02-31T00:00:00Z"], "--now \"2026-02-31T00:00:00Z\""),
            (["run-due", "--now", "2026-04-31T12:00:00+02:00"], "--now \"2026-04-31T12:00:00+02:00\""),
            (["run-due", "--now", "2026-01-01T23:59:60Z"], "--now \"2026-01-01T23:59:60Z\""),
            (["run-due", "--now", "2026-01-01T10:00:00+25:00"], "--now \"2026-01-01T10:00:00+25:00\""),
            (["schedule-setup", "--file", file.path, "--now", "2027-02-29T00:00:00Z"], "--now \"2027-02-29T00:00:00Z\""),
            (["schedule", "next", "--cron", "0 * * * *", "--after", "2026-02-30T00:00:00Z"], "--after \"2026-02-30T00:00:00Z\""),
            (
                ["schedule", "backfill", "hourly", "--from", "2026-02-29T00:00:00Z", "--to", "2026-03-02T00:00:00Z"],
                "--from \"2026-02-29T00:00:00Z\""
            ),
            (["schedule", "backfill", "hourly", "--from", "2026-03-01T00:00:00Z", "--to", "2026-06-31T00:00:00Z"], "--to \"2026-06-31T00:00:00Z\""),
            (["sync", "everflow", "--start-date", "2026-02-31"], "--start-date \"2026-02-31\""),
            (["sync", "everflow", "--start-date", "2026-02-01", "--end-date", "2026-09-31"], "--end-date \"2026-09-31\""),
        ]
        let reports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("reports").path
        let environment = ["SIGNALROOM_REPORTS_DIR": reports, "EVERFLOW_API_KEY": "k", "EVERFLOW_START_DATE": "2026-02-29"]
        let more: [([String], String)] = [
            (["report", "daily_ccw", "--date", "2026-02-30"], "\"2026-02-30\""),
            (["workflow", "start", "SyncSourceWorkflow", "--input", #"{"source": "files", "endDate": "2026-11-31"}"#], "\"2026-11-31\""),
            (["sync", "everflow", "--dry-run"], "EVERFLOW_START_DATE is \"2026-02-29\""),
        ]
        for (arguments, mention) in refused + more {
            let result = try await cli.run(arguments, environment: environment)
            #expect(result.status == 2 && result.stderr.contains(mention), "\(arguments): \(result.stderr)")
            oneLine(result)
        }
        #expect(!FileManager.default.fileExists(atPath: cli.state.appendingPathComponent("schedules").path), "nothing registered")
        // A leap day is a day.
        let leap = try await cli.run(["schedule", "next", "--cron", "0 0 * * *", "--after", "2028-02-29T00:00:00Z", "--count", "1"])
        #expect(leap.status == 0 && leap.stdout.contains("2028-03-01T00:00:00Z"), "\(leap.stderr)")
    }
}

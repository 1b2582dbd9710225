import Foundation
import Testing

/// `schedule-setup` checks schedules.json as strictly as a person needs: what it refuses it
/// names (schedule, field or byte), and a refused file registers nothing.
@Suite(.serialized)
struct ScheduleSetupValidationTests {
    private func setup(_ cli: CLIHarness, bytes: Data) async throws -> CLIHarness.Result {
        let file = cli.root.appendingPathComponent("schedules.json")
        try bytes.write(to: file)
        return try await cli.run(["schedule-setup", "--file", file.path])
    }

    private func registered(_ cli: CLIHarness) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cli.state.appendingPathComponent("schedules").path)) ?? [])
            .filter { $0.hasSuffix(".json") }
    }

    @Test func aDuplicateMemberOrBytesThatAreNotUTF8AreRefusedNamingTheScheduleAndByte() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let duplicate =
            #"[{"id": "first", "cron": "0 * * * *", "workflow": "demo"}, {"id": "daily", "cron": "0 6 * * *", "workflow": "demo", "cron": "0 7 * * *"}]"#
        let offset = duplicate.utf8.count - #""cron": "0 7 * * *"}]"#.utf8.count
        let twice = try await setup(cli, bytes: Data(duplicate.utf8))
        #expect(twice.status == 2, "\(twice.stderr)")
        #expect(
            twice.stderr.contains("schedule `daily`") && twice.stderr.contains("`cron` appears twice") && twice.stderr.contains("byte \(offset)"),
            "\(twice.stderr)")
        #expect(twice.stderr.split(separator: "\n").count == 1, "\(twice.stderr)")

        var latin1 = Data(#"[{"id": "first", "cron": "0 * * * *", "workflow": "demo"}, {"id": "caf"#.utf8)
        let badByte = latin1.count
        latin1.append(0xE9)  // é in Latin-1
        latin1.append(contentsOf: Data(#"", "cron": "0 6 * * *", "workflow": "demo", "note": "x"}]"#.utf8))
        let notUTF8 = try await setup(cli, bytes: latin1)
        #expect(notUTF8.status == 2, "\(notUTF8.stderr)")
        #expect(
            notUTF8.stderr.contains("schedule `caf") && notUTF8.stderr.contains("not UTF-8") && notUTF8.stderr.contains("byte \(badByte)"),
            "\(notUTF8.stderr)")

        var inNote = Data(#"[{"id": "noted", "cron": "0 6 * * *", "workflow": "demo", "note": "a\n"#.utf8)
        let noteByte = inNote.count
        inNote.append(contentsOf: [0xFF, 0x22, 0x7D, 0x5D])
        let badNote = try await setup(cli, bytes: inNote)
        #expect(
            badNote.status == 2 && badNote.stderr.contains("schedule `noted`") && badNote.stderr.contains("byte \(noteByte)"), "\(badNote.stderr)")

        let nested = try await setup(
            cli, bytes: Data(#"[{"id": "n", "cron": "0 6 * * *", "workflow": "demo", "input": {"steps": 1, "steps": 2}}]"#.utf8))
        #expect(nested.status == 2 && nested.stderr.contains("schedule `n`") && nested.stderr.contains("`steps` appears twice"), "\(nested.stderr)")
        #expect(registered(cli).isEmpty, "nothing registered: \(registered(cli))")
    }

    private var reports: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("reports").path
    }

    @Test func everyUnknownNameAndEveryProblemOfTheFileIsReportedAtOnceAndNothingIsRegistered() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let entries: [[String: Any]] = [
            ["id": "ok", "cron": "0 * * * *", "workflow": "demo"],
            ["id": "a", "cron": "61 * * * *", "workflow": "demo", "timezone": "Mars/Base"],
            ["id": "b", "cron": "0 * * * *", "workflow": "SyncSourceWorkflow", "input": ["source": "everflw"]],
            ["id": "c", "cron": "0 * * * *", "workflow": "SyncSourceWorkflow", "input": ["source": "everflow", "resources": ["daily_stat"]]],
            ["id": "d", "cron": "0 7 * * *", "workflow": "RunReportWorkflow", "input": ["report": "daily_cw"]],
            [
                "id": "e", "cron": "0 7 * * *", "workflow": "RunReportWorkflow",
                "input": ["report": "daily_ccw", "channel": "telegram", "params": ["dte": "2026-01-01", "date": "2026-02-30"]],
            ],
            ["id": "f", "cron": "0 * * * *", "workflow": "ScheduledSyncWorkflow", "input": ["sources": ["everflow", "redtrak"]]],
            ["id": "g", "cron": "0 * * * *", "workflow": "SyncSourceWorkflow", "input": ["source": "everflow", "startDate": "2026-02-31"]],
        ]
        let file = cli.root.appendingPathComponent("schedules.json")
        try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys]).write(to: file)
        let result = try await cli.run(["schedule-setup", "--file", file.path], environment: ["SIGNALROOM_REPORTS_DIR": reports])
        #expect(result.status == 2, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let expected = [
            "schedule `a`: field `cron`", "schedule `a`: field `timezone`",
            "schedule `b`: field `input.source` `everflw` is not a source",
            "schedule `c`: field `input.resources` `daily_stat` is not a resource of everflow",
            "schedule `d`: field `input.report`",
            "schedule `e`: field `input.channel` `telegram`", "schedule `e`: field `input.params.dte`",
            "schedule `e`: field `input.params` ",  // the impossible date
            "schedule `f`: field `input.sources` `redtrak`",
            "schedule `g`: field `input`",
        ]
        #expect(lines.count == expected.count, "one line per problem: \(result.stderr)")
        for fragment in expected {
            #expect(lines.contains { $0.contains(fragment) }, "\(fragment) in \(result.stderr)")
        }
        #expect(lines.first { $0.contains("schedule `e`: field `input.params` ") }?.contains("2026-02-30") == true, "\(result.stderr)")
        #expect(lines.first { $0.contains("schedule `g`") }?.contains("2026-02-31") == true, "\(result.stderr)")
        #expect(!result.stderr.contains("DecodingError"), "\(result.stderr)")
        #expect(registered(cli).isEmpty, "nothing registered: \(registered(cli))")

        // The same names spelt right pass.
        let good: [[String: Any]] = [
            ["id": "c", "cron": "0 * * * *", "workflow": "SyncSourceWorkflow", "input": ["source": "everflow", "resources": ["daily_stats"]]],
            [
                "id": "e", "cron": "0 7 * * *", "workflow": "RunReportWorkflow",
                "input": ["report": "daily_ccw", "channel": "email", "params": ["date": "2026-02-28"]],
            ],
            ["id": "f", "cron": "0 * * * *", "workflow": "ScheduledSyncWorkflow", "input": ["sources": ["everflow", "redtrack"]]],
        ]
        try JSONSerialization.data(withJSONObject: good, options: [.sortedKeys]).write(to: file)
        let accepted = try await cli.run(["schedule-setup", "--file", file.path], environment: ["SIGNALROOM_REPORTS_DIR": reports])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(registered(cli).count == 3)
    }
}

import Foundation
import Testing

/// Every `run-due` pass leaves a record (`schedule passes`), so an operator can tell when
/// cron last called it and how each pass went.
struct RunDuePassRecordTests {
    private func passes(_ cli: CLIHarness) async throws -> [[String: Any]] {
        let result = try await cli.run(["schedule", "passes", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    @Test func eachPassIsRecordedNewestFirstWithWhatItDidAndItsExitCode() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let none = try await cli.run(["schedule", "passes"])
        #expect(none.stdout.hasPrefix("no run-due pass recorded; is the crontab line installed?"), "\(none.stdout)")
        try await cli.setUpSchedules(
            [
                ["id": "ok", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 1]],
                [
                    "id": "broken", "cron": "* * * * *", "workflow": "demo",
                    "input": ["steps": 1, "failStep": 1, "failTimes": 9, "failNonRetryable": true],
                ],
            ], now: "2026-11-25T10:00:00Z")
        let failing = try await cli.run(["run-due", "--now", "2026-11-25T10:01:00Z"])
        #expect(failing.status == 1)
        let quiet = try await cli.run(["run-due", "--now", "2026-11-25T10:01:30Z"])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty, "a record is not output: \(quiet.stdout)")

        let records = try await passes(cli)
        try #require(records.count == 2, "\(records)")
        #expect(records[0]["asOf"] as? String == "2026-11-25T10:01:30.000Z")
        #expect(records[0]["exitCode"] as? Int == 0 && records[0]["fired"] as? Int == 0)
        #expect(records[1]["asOf"] as? String == "2026-11-25T10:01:00.000Z")
        #expect(records[1]["exitCode"] as? Int == 1, "\(records[1])")
        #expect(records[1]["fired"] as? Int == 2 && records[1]["failed"] as? Int == 1, "\(records[1])")
        #expect(records[1]["version"] as? Int == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: cli.state.appendingPathComponent("run-due/passes.jsonl").path)[.posixPermissions]
        #expect(mode as? Int == 0o600)
        let table = try await cli.run(["schedule", "passes", "--limit", "1"])
        #expect(table.stdout.split(separator: "\n").count == 2, "a header and one pass: \(table.stdout)")
    }

    @Test func aPassThatCannotReadTheScheduleStateIsRecordedWithExitCodeSix() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try await cli.setUpSchedules([["id": "ok", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 1]]], now: "2026-11-25T10:00:00Z")
        let schedules = cli.state.appendingPathComponent("schedules")
        for name in try FileManager.default.contentsOfDirectory(atPath: schedules.path) where name.hasSuffix(".json") {
            try Data("{ not json".utf8).write(to: schedules.appendingPathComponent(name))
        }
        let result = try await cli.run(["run-due", "--now", "2026-11-25T10:01:00Z"])
        #expect(result.status == 6, "\(result.stderr)")
        let records = try await passes(cli)
        #expect(records.first?["exitCode"] as? Int == 6 && records.first?["unhandled"] as? Int == 1, "\(records)")
    }
}

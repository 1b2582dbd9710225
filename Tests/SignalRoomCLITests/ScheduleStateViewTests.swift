import Foundation
import Testing

/// `schedule describe` and `schedule list` show what is true now, and one damaged schedule
/// state does not hide the others.
@Suite(.serialized)
struct ScheduleStateViewTests {
    private func openRunsLine(_ text: String) -> String {
        text.split(separator: "\n").first { $0.hasPrefix("open runs") }.map(String.init) ?? ""
    }

    @Test func describeListsOnlyRunsThatAreStillOpenWithoutWaitingForRunDue() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try await cli.setUpSchedules(
            [
                ["id": "quick", "cron": "0 * * * *", "workflow": "demo", "input": ["steps": 1]],
                ["id": "waits", "cron": "0 * * * *", "workflow": "demo", "input": ["steps": 1, "timerSeconds": 3600]],
            ], now: "2026-11-25T09:30:00Z")
        #expect(try await cli.run(["run-due", "--now", "2026-11-25T10:00:10Z"]).status == 0)

        let quick = try await cli.run(["schedule", "describe", "quick"])
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(openRunsLine(quick.stdout) == "open runs  none", "a completed run is not open: \(quick.stdout)")
        let quickJSON = try await cli.run(["--json", "schedule", "describe", "quick"])
        let described = try JSONSerialization.jsonObject(with: Data(quickJSON.stdout.utf8)) as? [String: Any]
        #expect(described?["openRuns"] as? [String] == [], "\(quickJSON.stdout)")

        let waits = try await cli.run(["schedule", "describe", "waits"])
        #expect(openRunsLine(waits.stdout).hasPrefix("open runs  waits-2026-11-25T10:00:00Z (parked until "), "\(waits.stdout)")
        #expect(try await cli.run(["workflow", "terminate", "waits-2026-11-25T10:00:00Z", "--reason", "test"]).status == 0)
        let terminated = try await cli.run(["schedule", "describe", "waits"])
        #expect(openRunsLine(terminated.stdout) == "open runs  none", "\(terminated.stdout)")
    }

    @Test func listShowsADamagedScheduleBesideTheOthersAndExitsSix() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try await cli.setUpSchedules(
            [
                ["id": "alpha", "cron": "0 * * * *", "workflow": "demo"],
                ["id": "broken", "cron": "0 * * * *", "workflow": "demo"],
                ["id": "zulu", "cron": "30 6 * * *", "workflow": "demo"],
            ], now: "2026-11-25T09:30:00Z")
        let damaged = cli.state.appendingPathComponent("schedules/broken.json")
        try Data("{\"version\":1,\"source\":".utf8).write(to: damaged)

        let list = try await cli.run(["schedule", "list"])
        #expect(list.status == 6, "\(list.stdout) \(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.map { $0.first ?? "" } == ["ID", "alpha", "broken", "zulu"], "\(list.stdout)")
        #expect(rows.first { $0.first == "broken" }?.contains("damaged") == true, "\(list.stdout)")
        #expect(rows.first { $0.first == "zulu" }?.contains("active") == true)
        let errors = list.stderr.split(separator: "\n")
        #expect(errors.count == 1, "\(list.stderr)")
        #expect(errors.first?.contains(damaged.path) == true && errors.first?.contains("schedule-setup") == true, "\(list.stderr)")

        let json = try await cli.run(["--json", "schedule", "list"])
        #expect(json.status == 6)
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(objects.map { $0["id"] as? String ?? "" } == ["alpha", "broken", "zulu"], "\(json.stdout)")
        #expect((objects.first { $0["id"] as? String == "broken" }?["damaged"] as? String)?.contains(damaged.path) == true)
        #expect(objects.first { $0["id"] as? String == "alpha" }?["damaged"] == nil)
    }
}

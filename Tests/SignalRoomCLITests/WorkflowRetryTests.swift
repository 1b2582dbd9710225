import Foundation
import Testing

/// Recovery by hand: `workflow retry` reuses what a failed run completed; `schedule rerun`
/// runs a failed fire time again with that fire time.
struct WorkflowRetryTests {
    @Test func aRetryReusesTheCompletedStepsAndRunsOnlyTheFailedOneAgain() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let outage = cli.root.appendingPathComponent("service-down")
        try Data().write(to: outage)
        let input = "{\"steps\":3,\"failStep\":2,\"failWhileExists\":\"\(outage.path)\",\"failNonRetryable\":true,\"journal\":\"\(cli.journal)\"}"
        let failed = try await cli.run(["workflow", "start", "demo", "--id", "fixable", "--input", input])
        try #require(failed.status == 1, "\(failed.stderr)")
        #expect(cli.journalLines().filter { $0.hasPrefix("done step=1") }.count == 1)

        let stillDown = try await cli.run(["workflow", "retry", "fixable"])
        #expect(stillDown.status == 1, "the cause is still there: \(stillDown.stderr)")
        try FileManager.default.removeItem(at: outage)
        let retried = try await cli.run(["workflow", "retry", "fixable", "--json"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stderr.contains("reusing 1 completed activity"), "\(retried.stderr)")
        let journal = cli.journalLines()
        #expect(journal.filter { $0.hasPrefix("done step=1") }.count == 1, "step 1 never ran again: \(journal)")
        #expect(journal.filter { $0.hasPrefix("done step=2") }.count == 1, "\(journal)")
        #expect(journal.filter { $0.hasPrefix("fail step=2") }.count == 2, "\(journal)")

        // The new run says which run it retries, and the old ones stay as they were.
        let history = try cli.historyLines("fixable")
        let started = try #require(history.first?["attributes"] as? [String: Any])
        #expect(started["retriedFrom"] is String, "\(started)")
        let list = try await cli.run(["workflow", "list", "--json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(runs.map { $0["status"] as? String ?? "" }.sorted() == ["completed", "failed", "failed"], "\(runs)")

        let again = try await cli.run(["workflow", "retry", "fixable"])
        #expect(again.status == 3, "a completed run has nothing to retry: \(again.stderr)")
        #expect(again.stderr.contains("completed: there is nothing to retry"), "\(again.stderr)")
    }

    @Test func aFailedFireTimeIsRerunWithItsFireTimeWhichBackfillWouldNotDo() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let outage = cli.root.appendingPathComponent("service-down")
        try Data().write(to: outage)
        try await cli.setUpSchedules(
            [
                [
                    "id": "nightly", "cron": "0 3 * * *", "workflow": "demo",
                    "input": ["steps": 1, "failStep": 1, "failWhileExists": outage.path, "failNonRetryable": true],
                ]
            ], now: "2026-11-25T02:00:00Z")
        let pass = try await cli.run(["run-due", "--now", "2026-11-25T03:00:10Z"])
        #expect(pass.status == 1, "\(pass.stdout)\(pass.stderr)")
        try FileManager.default.removeItem(at: outage)
        let backfill = try await cli.run(["schedule", "backfill", "nightly", "--from", "2026-11-25T02:59:00Z", "--to", "2026-11-25T03:01:00Z"])
        #expect(!backfill.stdout.contains("started"), "backfill leaves a fire time that ran: \(backfill.stdout)")

        let rerun = try await cli.run(["schedule", "rerun", "nightly", "2026-11-25T03:00:00Z", "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any])
        #expect(outcome["workflowId"] as? String == "nightly-2026-11-25T03:00:00Z")
        let history = try cli.historyLines("nightly-2026-11-25T03:00:00Z")
        let started = try #require(history.first?["attributes"] as? [String: Any])
        let schedule = try #require(started["schedule"] as? [String: Any], "the fire time reaches the workflow: \(started)")
        #expect(schedule["fireTime"] as? String == "2026-11-25T03:00:00.000Z", "\(schedule)")

        let none = try await cli.run(["schedule", "rerun", "nightly", "2026-11-26T03:00:00Z"])
        #expect(none.status == 4 && none.stderr.contains("schedule backfill"), "\(none.stderr)")
    }
}

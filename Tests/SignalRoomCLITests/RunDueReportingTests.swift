import Foundation
import Testing

/// What `run-due` tells cron and machines: the exit code when a run failed, and `--json`.
@Suite(.serialized)
struct RunDueReportingTests {
    private func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { line in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return object ?? [:]
        }
    }

    @Test func aFiredRunThatFailsMakesRunDueExitOneWithTheReasonOnStderr() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try await cli.setUpSchedules(
            [
                ["id": "ok", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 1]],
                [
                    "id": "broken", "cron": "* * * * *", "workflow": "demo",
                    "input": ["steps": 1, "failStep": 1, "failTimes": 9, "failNonRetryable": true],
                ],
            ], now: "2026-11-25T10:00:00Z")
        let result = try await cli.run(["run-due", "--now", "2026-11-25T10:01:00Z"])
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("ok-2026-11-25T10:01:00Z: completed"))
        #expect(result.stdout.contains("broken-2026-11-25T10:01:00Z: failed"))
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("signalroom: error: ") }
        #expect(errors.count == 1, "one error line per failed run: \(result.stderr)")
        #expect(errors.first?.hasPrefix("signalroom: error: broken-2026-11-25T10:01:00Z (run ") == true, "\(result.stderr)")
        #expect(errors.first?.contains("failed") == true)
        // Nothing due the next time: silent and 0, the failure is not reported twice.
        let quiet = try await cli.run(["run-due", "--now", "2026-11-25T10:01:30Z"])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout) \(quiet.stderr)")
    }

    @Test func jsonPrintsOneObjectPerFiredSkippedAndResumedRun() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try await cli.setUpSchedules(
            [
                ["id": "backlog", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 1]],
                [
                    "id": "broken", "cron": "0 * * * *", "workflow": "demo",
                    "input": ["steps": 1, "failStep": 1, "failTimes": 9, "failNonRetryable": true],
                ],
                ["id": "timer", "cron": "0 * * * *", "workflow": "demo", "input": ["steps": 1, "timerSeconds": 1]],
            ], now: "2026-11-25T09:59:30Z")
        let first = try await cli.run(["--json", "--park-after", "0.2", "run-due", "--now", "2026-11-25T10:02:00Z"])
        #expect(first.status == 1, "\(first.stdout) \(first.stderr)")
        let objects = lines(first.stdout)
        for object in objects {
            #expect(Set(object.keys) == ["action", "schedule", "fireTime", "workflowId", "runId", "status", "error"], "\(object)")
        }
        func find(_ schedule: String, _ fireTime: String) -> [String: Any]? {
            objects.first { $0["schedule"] as? String == schedule && $0["fireTime"] as? String == fireTime }
        }
        // `skip` with a backlog: 10:00 and 10:01 pass, 10:02 starts.
        for time in ["2026-11-25T10:00:00Z", "2026-11-25T10:01:00Z"] {
            #expect(find("backlog", time)?["action"] as? String == "skipped")
            #expect(find("backlog", time)?["status"] as? String == "skipped")
            #expect(find("backlog", time)?["workflowId"] is NSNull)
        }
        let fired = find("backlog", "2026-11-25T10:02:00Z")
        #expect(fired?["action"] as? String == "fired" && fired?["status"] as? String == "completed")
        #expect(fired?["workflowId"] as? String == "backlog-2026-11-25T10:02:00Z")
        #expect((fired?["runId"] as? String)?.isEmpty == false)
        let broken = find("broken", "2026-11-25T10:00:00Z")
        #expect(broken?["status"] as? String == "failed" && (broken?["error"] as? String)?.isEmpty == false, "\(objects)")
        #expect(find("timer", "2026-11-25T10:00:00Z")?["status"] as? String == "parked")
        #expect(objects.count == 5, "\(first.stdout)")
        #expect(first.stderr.split(separator: "\n").filter { $0.hasPrefix("signalroom: error: ") }.count == 1, "\(first.stderr)")

        try await Task.sleep(for: .milliseconds(1300))
        let resumed = try await cli.run(["--json", "run-due", "--now", "2026-11-25T10:02:10Z"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let again = lines(resumed.stdout)
        #expect(again.count == 1, "\(resumed.stdout)")
        #expect(again.first?["action"] as? String == "resumed" && again.first?["status"] as? String == "completed")
        #expect(again.first?["schedule"] as? String == "timer" && again.first?["fireTime"] as? String == "2026-11-25T10:00:00Z")
        #expect(again.first?["workflowId"] as? String == "timer-2026-11-25T10:00:00Z")

        let quiet = try await cli.run(["--json", "run-due", "--now", "2026-11-25T10:02:20Z"])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout) \(quiet.stderr)")
    }

    @Test func resumeDueExitsOneWhenARunItResumedFailed() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let parked = try await cli.run([
            "--park-after", "0.2", "workflow", "start", "demo", "--id", "later",
            "--input", demoInput(["timerSeconds": 0.4, "failStep": 2, "failTimes": 9, "failNonRetryable": true]),
        ])
        #expect(parked.status == 5, "\(parked.stderr)")
        try await Task.sleep(for: .milliseconds(500))
        let due = try await cli.run(["workflow", "resume", "--due"], environment: ["SIGNALROOM_LOG_LEVEL": "critical"])
        #expect(due.status == 1, "\(due.stdout) \(due.stderr)")
        #expect(due.stdout.contains("later") && due.stdout.contains("failed"))
        #expect(due.stderr.contains("later (run ") && due.stderr.contains("step 2 failed"), "\(due.stderr)")
    }
}

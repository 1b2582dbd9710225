import Foundation
import Testing

/// Schedules driven through the binary: `schedule-setup` and `run-due` with `--now`.
@Suite(.serialized)
struct ScheduleTests {
    private func workflowIds(_ cli: CLIHarness) -> Set<String> {
        let directory = cli.state.appendingPathComponent("workflows").path
        return Set(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") })
    }

    private func runCount(_ cli: CLIHarness, _ workflowId: String) -> Int {
        let directory = cli.state.appendingPathComponent("workflows/\(workflowId)").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".jsonl") }.count
    }

    private func setup(_ cli: CLIHarness, _ file: String, now: String) async throws -> CLIHarness.Result {
        try await cli.run(["schedule-setup", "--file", file, "--now", now])
    }

    @Test func setupTwiceIsANoOpAndABadFileChangesNothing() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try cli.writeSchedules(
            [
                ["id": "hourly", "cron": "15 7-23 * * *", "timezone": "America/New_York", "workflow": "demo"],
                ["id": "daily", "cron": "0 6 * * *", "timezone": "America/New_York", "workflow": "demo", "overlap": "buffer_one"],
            ])
        let first = try await cli.run(["schedule-setup", "--file", file])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("added: hourly") && first.stdout.contains("added: daily"))
        #expect(first.stdout.contains("run-due"))
        let before = cli.stateSnapshot()
        let second = try await cli.run(["schedule-setup", "--file", file])
        #expect(second.status == 0)
        #expect(!second.stdout.contains("added") && !second.stdout.contains("updated"))
        #expect(cli.stateSnapshot() == before)

        let bad = try cli.writeSchedules(
            [
                ["id": "hourly", "cron": "15 7-23 * * *", "workflow": "demo"],
                ["id": "typo", "cron": "0 6 * * *", "workflow": "demo", "catchup_windw": "2h"],
            ])
        let rejected = try await cli.run(["schedule-setup", "--file", bad])
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("schedule `typo`") && rejected.stderr.contains("field `catchup_windw`"))
        #expect(cli.stateSnapshot() == before, "a bad file must change nothing")
        for (entry, field) in [
            (["id": "x", "cron": "61 * * * *", "workflow": "demo"], "cron"),
            (["id": "x", "cron": "* * * * *", "workflow": "nope"], "workflow"),
            (["id": "x", "cron": "* * * * *", "workflow": "demo", "timezone": "Mars/Base"], "timezone"),
            (["id": "x", "cron": "* * * * *", "workflow": "demo", "catchup_window": "soon"], "catchup_window"),
        ] {
            let result = try await cli.run(["schedule-setup", "--file", try cli.writeSchedules([entry])])
            #expect(result.status == 2 && result.stderr.contains("field `\(field)`"), "\(field): \(result.stderr)")
        }
        let duplicate = try await cli.run([
            "schedule-setup", "--file",
            try cli.writeSchedules(
                [
                    ["id": "x", "cron": "* * * * *", "workflow": "demo"], ["id": "x", "cron": "0 * * * *", "workflow": "demo"],
                ]),
        ])
        #expect(duplicate.status == 2 && duplicate.stderr.contains("more than one schedule"))
        #expect(cli.stateSnapshot() == before)
    }

    @Test func eightConcurrentRunDueProcessesFireEachDueTimeOnce() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try cli.writeSchedules(
            [
                ["id": "minutely", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 1]],
                ["id": "every-two", "cron": "*/2 * * * *", "workflow": "demo", "input": ["steps": 1], "overlap": "allow_all"],
            ])
        #expect(try await setup(cli, file, now: "2026-11-25T10:00:30Z").status == 0)
        let processes = try (0..<8).map { _ in try cli.launch(["run-due", "--now", "2026-11-25T10:04:10Z"]) }
        var outputs: [CLIHarness.Result] = []
        for process in processes { outputs.append(try await process.finish()) }
        #expect(outputs.allSatisfy { $0.status == 0 }, "\(outputs.map(\.stderr))")
        // minutely (skip): the 4-minute backlog starts one run, for the latest time;
        // every-two (allow_all): 10:02 and 10:04.
        #expect(workflowIds(cli) == ["minutely-2026-11-25T10:04:00Z", "every-two-2026-11-25T10:02:00Z", "every-two-2026-11-25T10:04:00Z"])
        for id in workflowIds(cli) { #expect(runCount(cli, id) == 1, "\(id) ran more than once") }
        #expect(outputs.map(\.stdout).joined().components(separatedBy: "started ").count - 1 == 3)
    }

    @Test func simulatedSpringForwardDayGivesExactlyTheExpectedRuns() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try cli.writeSchedules(
            [
                ["id": "half-hourly", "cron": "*/30 * * * *", "timezone": "America/New_York", "workflow": "demo", "input": ["steps": 1]],
                ["id": "two-thirty", "cron": "30 2 * * *", "timezone": "America/New_York", "workflow": "demo", "input": ["steps": 1]],
                ["id": "utc-hourly", "cron": "0 * * * *", "workflow": "demo", "input": ["steps": 1]],
                ["id": "nine", "cron": "0 9 * * MON-FRI,SUN", "timezone": "America/New_York", "workflow": "demo", "input": ["steps": 1]],
            ])
        // 2026-03-08 00:00 EST; New York springs forward at 07:00Z (02:00 EST → 03:00 EDT).
        #expect(try await setup(cli, file, now: "2026-03-08T05:00:00Z").status == 0)
        let start = Date(timeIntervalSince1970: 1_772_946_000)  // 2026-03-08T05:00:00Z
        for minute in 1...1440 {
            let now = ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(minute * 60)))
            let pair = try (0..<2).map { _ in try cli.launch(["run-due", "--now", now]) }
            for process in pair {
                let result = try await process.finish()
                #expect(result.status == 0, "\(now): \(result.stderr)")
            }
        }
        var expected: Set<String> = []
        for halfHour in 1...48 {
            expected.insert("half-hourly-" + ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(halfHour * 1800))))
        }
        for hour in 1...24 { expected.insert("utc-hourly-" + ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(hour * 3600)))) }
        expected.insert("two-thirty-2026-03-08T07:00:00Z")  // 02:30 does not exist that day: fires at 03:00 EDT
        expected.insert("nine-2026-03-08T13:00:00Z")  // 09:00 EDT, a Sunday
        #expect(workflowIds(cli) == expected)
        for id in expected { #expect(runCount(cli, id) == 1) }
    }

    @Test func overlapSkipBufferOneAndAllowAll() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let parking = ["steps": 1, "timerSeconds": 3600] as [String: Any]
        let file = try cli.writeSchedules(
            [
                ["id": "skip", "cron": "* * * * *", "workflow": "demo", "input": parking],
                ["id": "buffer", "cron": "* * * * *", "workflow": "demo", "input": parking, "overlap": "buffer_one"],
                ["id": "all", "cron": "* * * * *", "workflow": "demo", "input": parking, "overlap": "allow_all"],
            ])
        #expect(try await setup(cli, file, now: "2026-11-25T10:00:00Z").status == 0)
        for minute in ["01", "02", "03"] {
            #expect(try await cli.run(["run-due", "--now", "2026-11-25T10:\(minute):00Z"]).status == 0)
        }
        let ids = workflowIds(cli)
        #expect(Set(ids.filter { $0.hasPrefix("skip-") }) == ["skip-2026-11-25T10:01:00Z"])
        #expect(Set(ids.filter { $0.hasPrefix("buffer-") }) == ["buffer-2026-11-25T10:01:00Z"])
        #expect(ids.filter { $0.hasPrefix("all-") }.count == 3)
        // The open buffer run closes: exactly one buffered run starts, for 10:02.
        #expect(try await cli.run(["workflow", "terminate", "buffer-2026-11-25T10:01:00Z", "--reason", "test"]).status == 0)
        #expect(try await cli.run(["run-due", "--now", "2026-11-25T10:03:30Z"]).status == 0)
        #expect(Set(workflowIds(cli).filter { $0.hasPrefix("buffer-") }) == ["buffer-2026-11-25T10:01:00Z", "buffer-2026-11-25T10:02:00Z"])
    }

    @Test func catchUpAfterAnOutageStartsOnceAndNothingBeyondTheWindow() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try cli.writeSchedules(
            [
                ["id": "hourly", "cron": "0 * * * *", "workflow": "demo", "input": ["steps": 1]],
                ["id": "daily", "cron": "0 7 * * *", "workflow": "demo", "input": ["steps": 1]],
                ["id": "short", "cron": "0 7 * * *", "workflow": "demo", "input": ["steps": 1], "catchup_window": "1h"],
            ])
        #expect(try await setup(cli, file, now: "2026-11-25T05:30:00Z").status == 0)
        let late = try await cli.run(["run-due", "--now", "2026-11-25T10:00:30Z"])
        #expect(late.status == 0, "\(late.stderr)")
        #expect(workflowIds(cli) == ["hourly-2026-11-25T10:00:00Z", "daily-2026-11-25T07:00:00Z"])
        // The late daily run carries its original fire time.
        let started = try cli.historyLines("daily-2026-11-25T07:00:00Z").first
        let schedule = started?.attributes["schedule"] as? [String: Any]
        #expect(schedule?["fireTime"] as? String == "2026-11-25T07:00:00.000Z")
    }

    @Test func runParkedInRetryBackoffIsResumedByRunDueOnceItsTimeComes() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try cli.writeSchedules(
            [
                [
                    "id": "flaky", "cron": "* * * * *", "workflow": "demo",
                    "input": ["steps": 1, "failStep": 1, "failTimes": 1, "retryInitialSeconds": 5, "journal": cli.journal],
                ]
            ])
        #expect(try await setup(cli, file, now: "2026-11-25T10:00:00Z").status == 0)
        let first = try await cli.run(["--park-after", "0.5", "run-due", "--now", "2026-11-25T10:01:00Z"])
        #expect(first.status == 0 && first.stdout.contains("parked"), "\(first.stdout) \(first.stderr)")
        let early = try await cli.run(["--park-after", "0.5", "run-due", "--now", "2026-11-25T10:01:10Z"])
        #expect(early.stdout.isEmpty, "nothing is due yet: \(early.stdout)")
        #expect(cli.journalLines().filter { $0.hasPrefix("start step=1 ") }.count == 1)
        try await Task.sleep(for: .milliseconds(5200))
        let due = try await cli.run(["--park-after", "0.5", "run-due", "--now", "2026-11-25T10:01:20Z"])
        #expect(due.stdout.contains("resumed flaky-2026-11-25T10:01:00Z") && due.stdout.contains("completed"), "\(due.stdout)")
        #expect(cli.journalLines().filter { $0.hasPrefix("start step=1 ") }.count == 2)
    }

    @Test func runDueIsSilentWhenNothingIsDue() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let file = try cli.writeSchedules([["id": "daily", "cron": "0 7 * * *", "workflow": "demo"]])
        #expect(try await setup(cli, file, now: "2026-11-25T08:00:00Z").status == 0)
        let quiet = try await cli.run(["run-due", "--now", "2026-11-25T08:01:00Z"])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    @Test func scheduleNextPrintsFireTimesForAnyExpression() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let result = try await cli.run([
            "schedule", "next", "--cron", "30 2 * * *", "--timezone", "America/New_York",
            "--after", "2026-03-07T12:00:00Z", "--count", "3",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"])
        let bad = try await cli.run(["schedule", "next", "--cron", "61 * * * *"])
        #expect(bad.status == 2 && bad.stderr.contains("minute"))
    }
}

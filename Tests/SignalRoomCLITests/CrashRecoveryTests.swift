import Foundation
import Testing

/// Real processes killed with SIGKILL, then resumed by a new process.
@Suite(.serialized)
struct CrashRecoveryTests {
    /// Greetings of the result: what must not change however often the run crashes.
    private func greetings(_ stdout: String) throws -> [String] {
        let start = try #require(stdout.firstIndex(of: "{"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout[start...].utf8)) as? [String: Any])
        return object["greetings"] as? [String] ?? []
    }

    @Test func killedAtEveryEventBoundaryResumesToSameResultAndNeverRerunsCompletedActivities() async throws {
        let reference = try CLIHarness()
        defer { reference.cleanUp() }
        let baseline = try await reference.run([
            "workflow", "start", "demo", "--id", "crash", "--input",
            demoInput(["steps": 3, "journal": reference.journal]),
        ])
        #expect(baseline.status == 0)
        let expected = try greetings(baseline.stdout)
        let eventCount = try reference.historyLines("crash").count
        #expect(eventCount >= 14)

        for boundary in 1..<eventCount {
            let cli = try CLIHarness()
            defer { cli.cleanUp() }
            let input = demoInput(["steps": 3, "journal": cli.journal])
            let crashed = try await cli.run(
                ["workflow", "start", "demo", "--id", "crash", "--input", input],
                environment: ["SIGNALROOM_TEST_KILL_AFTER_EVENT": String(boundary)])
            #expect(crashed.killedBySignal, "boundary \(boundary): the process should have been killed")
            let beforeResume = try cli.historyLines("crash")
            let completedBeforeKill = Set(
                beforeResume.filter { $0.eventType == "ActivityTaskCompleted" }
                    .compactMap { $0.attributes["scheduledEventId"] as? Int })

            let resumed = try await cli.run(["workflow", "resume", "crash"])
            #expect(resumed.status == 0, "boundary \(boundary): \(resumed.stderr)")
            #expect(try greetings(resumed.stdout) == expected, "boundary \(boundary)")

            let history = try cli.historyLines("crash")
            #expect(history.last?.eventType == "WorkflowExecutionCompleted")
            // Map each activity (scheduled event id) to the step it ran, then count runs.
            let steps: [Int: String] = Dictionary(
                uniqueKeysWithValues: history.filter { $0.eventType == "ActivityTaskScheduled" }.map {
                    let input = $0.attributes["input"] as? [String: Any]
                    return ($0.eventId, (input?["step"] as? Int).map(String.init) ?? "summary")
                })
            let starts = cli.journalLines().filter { $0.hasPrefix("start ") }
            for (scheduledId, step) in steps {
                let runs = starts.filter { $0.contains("step=\(step) ") }.count
                if completedBeforeKill.contains(scheduledId) {
                    #expect(runs == 1, "boundary \(boundary): step \(step) completed before the crash but ran \(runs) times")
                } else {
                    #expect((1...2).contains(runs), "boundary \(boundary): step \(step) ran \(runs) times")
                }
            }
            // The token drawn from context.uuid() before the crash is the one in the result.
            let summaryInput = history.first {
                $0.eventType == "ActivityTaskScheduled" && $0.attributes["activityType"] as? String == "DemoSummarize"
            }
            let token = (summaryInput?.attributes["input"] as? [String: Any])?["token"] as? String
            #expect(token != nil && resumed.stdout.contains(token!))
        }
    }

    @Test func killedDuringRetryBackoffResumesWithTheNextAttempt() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input = demoInput(["steps": 2, "failStep": 1, "failTimes": 2, "retryInitialSeconds": 2, "journal": cli.journal])
        let running = try cli.launch(["workflow", "start", "demo", "--id", "backoff", "--input", input])
        try await cli.waitUntil("the first failed attempt") {
            try cli.historyLines("backoff").contains { $0.eventType == "ActivityTaskFailed" }
        }
        running.kill()
        _ = try await running.finish()
        let failedAt = try cli.historyLines("backoff").first { $0.eventType == "ActivityTaskFailed" }
        let nextAttemptTime = try #require(failedAt?.attributes["nextAttemptTime"] as? String)

        let resumed = try await cli.run(["workflow", "resume", "backoff"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let history = try cli.historyLines("backoff")
        let firstActivity = try #require(history.first { $0.eventType == "ActivityTaskScheduled" }?.eventId)
        let attempts = history.filter { $0.eventType == "ActivityTaskStarted" && $0.attributes["scheduledEventId"] as? Int == firstActivity }
            .compactMap { $0.attributes["attempt"] as? Int }
        #expect(attempts == [1, 2, 3])
        let failures = history.filter { $0.eventType == "ActivityTaskFailed" }
        #expect(failures.compactMap { ($0.attributes["failure"] as? [String: Any])?["type"] as? String } == ["DemoFailure", "DemoFailure"])
        let secondStart = history.first { $0.eventType == "ActivityTaskStarted" && $0.attributes["attempt"] as? Int == 2 }
        #expect((secondStart?["eventTime"] as? String ?? "") >= nextAttemptTime)
    }

    @Test func activityHeartbeatDetailsResumeTheNextAttemptAfterACrash() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input = demoInput(["steps": 1, "tickStep": 1, "ticks": 10, "tickMillis": 100, "journal": cli.journal])
        let running = try cli.launch(["workflow", "start", "demo", "--id", "ticks", "--input", input])
        try await cli.waitUntil("four heartbeats") {
            try cli.historyLines("ticks").filter { $0.eventType == "ActivityTaskHeartbeatRecorded" }.count >= 4
        }
        running.kill()
        _ = try await running.finish()
        let checkpoint = try cli.historyLines("ticks").last { $0.eventType == "ActivityTaskHeartbeatRecorded" }
        let completed = try #require((checkpoint?.attributes["details"] as? [String: Any])?["completedTicks"] as? Int)

        let resumed = try await cli.run(["workflow", "resume", "ticks"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let ticks = cli.journalLines().filter { $0.hasPrefix("tick ") }
        let secondAttemptTicks = ticks.filter { $0.contains("attempt=2") }.compactMap { Int($0.split(separator: " ")[1]) }
        #expect(secondAttemptTicks.first == completed, "the second attempt should start after the last checkpoint, not at 0")
        #expect(Set(ticks.compactMap { Int($0.split(separator: " ")[1]) }) == Set(0..<10))
        let died = try cli.historyLines("ticks").first { $0.eventType == "ActivityTaskFailed" }
        #expect((died?.attributes["failure"] as? [String: Any])?["type"] as? String == "WorkerDied")
    }
}

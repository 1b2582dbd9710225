import Foundation
import Testing

@Suite(.serialized)
struct ConcurrencyAndTimeoutTests {
    @Test func twoProcessesStartingTheSameIdAtOnceRunItOnceAndTheOtherGetsExitCode3() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        // The first holds the run for 4 s: long enough that the second, even started late on
        // a loaded machine, finds it running rather than finished.
        let input = demoInput(["steps": 1, "slowStep": 1, "slowSeconds": 4, "journal": cli.journal])
        let first = try cli.launch(["workflow", "start", "demo", "--id", "same", "--input", input])
        let second = try cli.launch(["workflow", "start", "demo", "--id", "same", "--input", input])
        let results = [try await first.finish(), try await second.finish()]
        #expect(results.map(\.status).sorted() == [0, 3])
        let loser = try #require(results.first { $0.status == 3 })
        #expect(loser.stderr.contains("workflow same is already running"))
        #expect(loser.stderr.split(separator: "\n").count == 1, "\(loser.stderr)")
        #expect(cli.journalLines().filter { $0.hasPrefix("start step=1 ") }.count == 1)
    }

    @Test func activityExceedingStartToCloseIsCancelledRecordedAsTimedOutAndRetried() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input = demoInput([
            "steps": 1, "slowStep": 1, "slowSeconds": 60, "startToCloseSeconds": 2,
            "retryInitialSeconds": 0.1, "journal": cli.journal,
        ])
        let started = Date()
        let result = try await cli.run(["workflow", "start", "demo", "--id", "slow", "--input", input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "the hung attempt was cancelled, not waited out")
        let history = try cli.historyLines("slow")
        let timedOut = try #require(history.first { $0.eventType == "ActivityTaskTimedOut" })
        #expect(timedOut.attributes["timeoutType"] as? String == "startToClose")
        #expect(timedOut.attributes["attempt"] as? Int == 1)
        #expect(history.contains { $0.eventType == "ActivityTaskCompleted" && $0.attributes["attempt"] as? Int == 2 })
        #expect(cli.journalLines().contains { $0.hasPrefix("cancelled step=1 attempt=1") })
    }

    @Test func longTimerParksTheRunAndALaterResumeFinishesIt() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        // 4 s: the "nothing is due yet" look must come before the timer fires, even on a loaded machine.
        let input = demoInput(["steps": 2, "timerSeconds": 4, "journal": cli.journal])
        let parked = try await cli.run(["--park-after", "0.5", "workflow", "start", "demo", "--id", "nap", "--input", input])
        #expect(parked.status == 5, "\(parked.stderr)")
        #expect(parked.stdout.contains("parked until"))
        let listed = try await cli.run(["workflow", "list", "--status", "parked"])
        #expect(listed.stdout.contains("nap"))
        let early = try await cli.run(["workflow", "resume", "--due"])
        #expect(early.status == 0 && early.stdout.isEmpty, "nothing is due yet")
        try await Task.sleep(for: .milliseconds(4200))
        let due = try await cli.run(["workflow", "resume", "--due"])
        #expect(due.stdout.contains("nap (run") && due.stdout.contains("completed"))
        let history = try cli.historyLines("nap")
        #expect(history.contains { $0.eventType == "TimerFired" })
        #expect(cli.journalLines().filter { $0.hasPrefix("start step=1") }.count == 1)
    }

    @Test func cancelOfARunningActivityIsSeenByItAndClosesTheRunAsCanceled() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input = demoInput(["steps": 2, "slowStep": 1, "slowSeconds": 30, "journal": cli.journal])
        let running = try cli.launch(["workflow", "start", "demo", "--id", "stopme", "--input", input])
        try await cli.waitUntil("the slow activity to start") { cli.journalLines().contains { $0.hasPrefix("start step=1") } }
        let cancel = try await cli.run(["workflow", "cancel", "stopme", "--reason", "test"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let owner = try await running.finish()
        #expect(owner.status == 1)
        #expect(owner.stdout.contains("cancelled"))
        let types = try cli.historyLines("stopme").map(\.eventType)
        #expect(
            types.suffix(4) == [
                "WorkflowExecutionCancelRequested", "ActivityTaskCancelRequested", "ActivityTaskCanceled", "WorkflowExecutionCanceled",
            ])
        #expect(cli.journalLines().contains { $0.hasPrefix("cancelled step=1") })
    }

    @Test func cancelOfAParkedRunClosesItAtOnce() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input = demoInput(["steps": 2, "timerSeconds": 3600])
        let parked = try await cli.run(["workflow", "start", "demo", "--id", "parked", "--input", input])
        #expect(parked.status == 5)
        let cancel = try await cli.run(["--json", "workflow", "cancel", "parked"])
        #expect(cancel.status == 0)
        #expect(cancel.stdout.contains("\"status\" : \"canceled\""))
        #expect(
            try cli.historyLines("parked").map(\.eventType).suffix(3) == [
                "WorkflowExecutionCancelRequested", "TimerCanceled", "WorkflowExecutionCanceled",
            ])
    }

    @Test func terminateClosesARunningRunAtOnce() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input = demoInput(["steps": 2, "slowStep": 1, "slowSeconds": 30, "journal": cli.journal])
        let running = try cli.launch(["workflow", "start", "demo", "--id", "kill", "--input", input])
        try await cli.waitUntil("the slow activity to start") { cli.journalLines().contains { $0.hasPrefix("start step=1") } }
        let terminate = try await cli.run(["workflow", "terminate", "kill", "--reason", "wrong input"])
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("terminated"))
        let owner = try await running.finish()
        #expect(owner.status == 1)
        let last = try cli.historyLines("kill").last
        #expect(last?.eventType == "WorkflowExecutionTerminated")
        #expect(last?.attributes["reason"] as? String == "wrong input")
        let describe = try await cli.run(["workflow", "describe", "kill"])
        #expect(describe.stdout.contains("terminated"))
    }
}

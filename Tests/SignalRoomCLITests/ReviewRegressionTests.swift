import Foundation
import Testing
@testable import signalroom

/// Behaviours pinned after a review of the engine found them missing.
@Suite(.serialized)
struct ReviewRegressionTests {
    @Test func heartbeatDetailsReachARetryInTheSameProcessAfterATimeout() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        // Each attempt manages about eight ticks before its 1 s start-to-close (fewer on a
        // loaded machine, hence the spare attempts).
        let input = demoInput([
            "steps": 1, "tickStep": 1, "ticks": 12, "tickMillis": 110, "startToCloseSeconds": 1,
            "retryInitialSeconds": 0.1, "maximumAttempts": 10, "journal": cli.journal,
        ])
        let result = try await cli.run(["workflow", "start", "demo", "--id", "hb", "--input", input])
        #expect(result.status == 0, "\(result.stderr)")
        let ticks = cli.journalLines().filter { $0.hasPrefix("tick ") }
        let secondAttemptFirstTick = ticks.first { $0.contains("attempt=2") }.flatMap { Int($0.split(separator: " ")[1]) }
        #expect((secondAttemptFirstTick ?? 0) > 0, "attempt 2 restarted at tick 0: \(ticks)")
        #expect(Set(ticks.compactMap { Int($0.split(separator: " ")[1]) }) == Set(0..<12))
    }

    @Test func resumeDueSkipsADamagedRunAndResumesTheOthers() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        for id in ["a-broken", "b-fine"] {
            let parked = try await cli.run([
                "--park-after", "0.2", "workflow", "start", "demo", "--id", id,
                "--input", demoInput(["timerSeconds": 0.4]),
            ])
            #expect(parked.status == 5)
        }
        let file = try cli.historyFile("a-broken")
        var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "DemoStep", with: "DemoStop")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: false, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(500))
        let due = try await cli.run(["workflow", "resume", "--due"])
        #expect(due.status == 6)
        #expect(due.stderr.contains("a-broken") && due.stderr.contains("damaged at line 2"))
        #expect(due.stdout.contains("b-fine") && due.stdout.contains("completed"))
    }

    @Test func terminateOfAParkedRunIsAppliedAtOnce() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        _ = try await cli.run(["workflow", "start", "demo", "--id", "t", "--input", demoInput(["timerSeconds": 3600])])
        let result = try await cli.run(["workflow", "terminate", "t", "--reason", "no longer needed"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("terminated"))
        let again = try await cli.run(["workflow", "terminate", "t", "--reason", "twice"])
        #expect(again.status == 3)
        #expect(again.stderr.contains("already closed (terminated)"))
    }

    @Test func secretsFromTheEnvironmentAndURLsAreMasked() {
        let redactor = SecretRedactor(environment: ["EVERFLOW_API_KEY": "ef-secret-123456", "HOME": "/root"])
        let text = redactor.redact("GET https://api.example/x?date=1&api_key=abc123&x=2 failed for ef-secret-123456; Bearer tok.en-1")
        #expect(!text.contains("abc123"))
        #expect(!text.contains("ef-secret-123456"))
        #expect(!text.contains("tok.en-1"))
        #expect(text.contains("date=1") && text.contains("api_key=***") && text.contains("x=2"))
        #expect(redactor.redact("home is /root") == "home is /root", "only secret-named variables are masked")
    }

    @Test func leadingGlobalOptionsWorkBeforeTheSubcommand() {
        let moved = SignalRoomCommand.globalOptionsMovedAfterSubcommand(["--state", "/s", "--json", "workflow", "list", "--limit", "3"])
        #expect(moved == ["workflow", "list", "--limit", "3", "--state", "/s", "--json"])
        #expect(SignalRoomCommand.globalOptionsMovedAfterSubcommand(["workflow", "list"]) == ["workflow", "list"])
    }
}

import Foundation
import Testing

/// Histories written by an earlier build (kept in Tests/Fixtures/histories-v1, written by the
/// build before SignalRoomCore took the JSON, timestamps and calendar out of the engine) are
/// read and replayed by this one: the history format is a promise, not an accident.
@Suite struct PreviousBuildHistoryTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/histories-v1/workflows")

    /// A state directory holding only the fixture histories (no index: it is rebuilt).
    private func stateWithFixtures() throws -> CLIHarness {
        let cli = try CLIHarness()
        try FileManager.default.createDirectory(
            at: cli.state, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(at: Self.fixtures, to: cli.state.appendingPathComponent("workflows"))
        return cli
    }

    @Test func aClosedRunOfThePreviousBuildReadsTheSame() async throws {
        let cli = try stateWithFixtures()
        defer { cli.cleanUp() }
        let show = try await cli.run(["--json", "workflow", "show", "finished"])
        #expect(show.status == 0, "\(show.stderr)")
        let describe = try await cli.run(["workflow", "describe", "finished"])
        #expect(describe.status == 0 && describe.stdout.contains("completed"), "\(describe.stdout) \(describe.stderr)")
        let resume = try await cli.run(["--json", "workflow", "resume", "finished"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stdout.contains("Hello, world, from step 3"))
    }

    @Test func aRunThePreviousBuildWasKilledInReplaysAndFinishes() async throws {
        let cli = try stateWithFixtures()
        defer { cli.cleanUp() }
        let before = try cli.historyLines("interrupted").count
        let resume = try await cli.run(["--json", "workflow", "resume", "interrupted"], environment: ["SIGNALROOM_LOG_LEVEL": "critical"])
        #expect(resume.status == 0, "\(resume.stdout) \(resume.stderr)")
        for step in 1...4 { #expect(resume.stdout.contains("Hello, world, from step \(step)")) }
        let lines = try cli.historyLines("interrupted")
        #expect(lines.count > before)
        // The killed attempt of step 2 is a worker death; its retry resumes after tick 3.
        let died = lines.first { $0.eventType == "ActivityTaskFailed" && "\($0.attributes)".contains("WorkerDied") }
        #expect(died?.attributes["scheduledEventId"] as? Int == 5)
        #expect(lines.last?.eventType == "WorkflowExecutionCompleted")
    }
}

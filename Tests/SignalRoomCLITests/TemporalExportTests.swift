import Foundation
import Testing

/// `workflow show --format temporal`: a run as Temporal's History JSON, read back by
/// Temporal's own Python SDK (temporalio, which scripts/test installs).
struct TemporalExportTests {
    static let checker = S3SyncTests.repository.appendingPathComponent("Tests/Support/temporal_history_check.py").path

    @Test func temporalsPythonSDKReadsARunWithRetriesAHeartbeatAndATimer() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let input =
            "{\"steps\":2,\"failStep\":1,\"failTimes\":2,\"retryInitialSeconds\":0.01,\"tickStep\":2,\"ticks\":2,\"tickMillis\":1,\"timerSeconds\":0.05}"
        let run = try await cli.run(["workflow", "start", "demo", "--id", "exported", "--input", input])
        try #require(run.status == 0, "\(run.stderr)")
        let shown = try await cli.run(["workflow", "show", "exported", "--format", "temporal"])
        try #require(shown.status == 0, "\(shown.stderr)")
        let file = cli.root.appendingPathComponent("exported.json")
        try Data(shown.stdout.utf8).write(to: file)

        let read = try await cli.runTool(["/bin/sh", "-c", "exec python3 \"$0\" exported < \"$1\"", Self.checker, file.path])
        #expect(read.status == 0, "temporalio could not read it: \(read.stderr)")
        let lines = read.stdout.split(separator: "\n").map(String.init)
        let raw = try await cli.run(["workflow", "show", "exported", "--json"])
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [[String: Any]])
        #expect(lines.filter { $0.contains(" EVENT_TYPE_") }.count == ours.count, "one Temporal event per event: \(read.stdout)")
        for expected in [
            "1 EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", "EVENT_TYPE_ACTIVITY_TASK_FAILED", "EVENT_TYPE_MARKER_RECORDED", "EVENT_TYPE_TIMER_FIRED",
            "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", "workflowType: demo", "retryState: RETRY_STATE_IN_PROGRESS",
        ] {
            #expect(lines.contains { $0.contains(expected) }, "\(expected) in \(read.stdout)")
        }
        #expect(lines.contains { $0.hasPrefix("input: ") && $0.contains("\"failTimes\":2") }, "the input payload decodes to ours")
    }
}

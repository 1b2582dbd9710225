import Foundation
import Testing

/// Bad input gets one clear line on stderr, a non-zero exit, and leaves state/ as it was.
@Suite(.serialized)
struct BadInputTests {
    /// A state directory with one finished run in it, so "unchanged" means something.
    private func populated() async throws -> CLIHarness {
        let cli = try CLIHarness()
        let result = try await cli.run(["workflow", "start", "demo", "--id", "existing"])
        #expect(result.status == 0)
        return cli
    }

    private func expectRejected(
        _ cli: CLIHarness, _ arguments: [String], status: Int32, mentioning text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = cli.stateSnapshot()
        let result = try await cli.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(cli.stateSnapshot() == before, "state/ changed after \(arguments)", sourceLocation: sourceLocation)
    }

    @Test func malformedInputJSONIsAUsageError() async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        try await expectRejected(cli, ["workflow", "start", "demo", "--input", "{\"steps\":"], status: 2, mentioning: "--input is not valid JSON")
    }

    @Test func unknownInputFieldIsNamed() async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        try await expectRejected(cli, ["workflow", "start", "demo", "--input", "{\"stepz\":2}"], status: 2, mentioning: "unknown field `stepz`")
    }

    @Test func unknownWorkflowTypeListsTheKnownOnes() async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        try await expectRejected(
            cli, ["workflow", "start", "nope"], status: 2,
            mentioning: "unknown workflow type \"nope\"; known types: RunReportWorkflow, ScheduledSyncWorkflow, SyncSourceWorkflow, demo")
    }

    @Test(arguments: ["../x", "", String(repeating: "a", count: 300), "a/b"])
    func invalidWorkflowIdIsRejectedBeforeAnythingIsWritten(id: String) async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        try await expectRejected(cli, ["workflow", "start", "demo", "--id", id], status: 2, mentioning: "invalid workflow id")
        try await expectRejected(cli, ["workflow", "describe", id], status: 2, mentioning: "invalid workflow id")
    }

    @Test func corruptMiddleLineIsReportedWithFileAndLineAndNothingChanges() async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        let parked = try await cli.run(["workflow", "start", "demo", "--id", "damaged", "--input", demoInput(["timerSeconds": 3600])])
        #expect(parked.status == 5)
        let file = try cli.historyFile("damaged")
        var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1].contains("DemoStep"))
        lines[1] = lines[1].replacingOccurrences(of: "DemoStep", with: "DemoStop")
        try lines.joined(separator: "\n").write(to: file, atomically: false, encoding: .utf8)
        for command in [["workflow", "describe", "damaged"], ["workflow", "show", "damaged"], ["workflow", "resume", "damaged"]] {
            try await expectRejected(cli, command, status: 6, mentioning: "\(file.lastPathComponent) is damaged at line 2")
        }
        try await expectRejected(cli, ["workflow", "start", "demo", "--id", "damaged"], status: 6, mentioning: "is damaged at line 2")
        let other = try await cli.run(["workflow", "describe", "existing"])
        #expect(other.status == 0, "only the damaged run is affected")
    }

    @Test func tornLastLineIsDroppedAndTheRunCarriesOn() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let parked = try await cli.run([
            "--park-after", "0.2", "workflow", "start", "demo", "--id", "torn", "--input", demoInput(["timerSeconds": 0.5]),
        ])
        #expect(parked.status == 5)
        let file = try cli.historyFile("torn")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"attributes\":{\"startedEventId\":".utf8))
        try handle.close()
        try await Task.sleep(for: .milliseconds(600))
        let resumed = try await cli.run(["workflow", "resume", "torn"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("{\"attributes\":{\"startedEventId\":\n"))
        #expect(try cli.historyLines("torn").last?.eventType == "WorkflowExecutionCompleted")
    }

    @Test func unknownIdIsNotFound() async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        try await expectRejected(cli, ["workflow", "describe", "ghost"], status: 4, mentioning: "no workflow with id ghost")
    }

    @Test func sourceWithoutItsKeyIsAConfigurationErrorThatChangesNothing() async throws {
        let cli = try await populated()
        defer { cli.cleanUp() }
        try await expectRejected(cli, ["sync", "everflow"], status: 2, mentioning: "source everflow needs EVERFLOW_API_KEY")
    }
}

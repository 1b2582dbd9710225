import Foundation
import Testing

/// A run's log lines stay with its history (`signalroom logs`), so what it did under cron or
/// `--detach` can be read later; secrets masked; removed with the run.
struct RunLogTests {
    private func logFile(_ cli: CLIHarness, _ workflowId: String) throws -> URL {
        let directory = cli.state.appendingPathComponent("workflows/\(workflowId)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".log") })
        return directory.appendingPathComponent(name)
    }

    @Test func aRunsLinesAreKeptWithItMaskedAndShownAsTextOrJSON() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let secret = "hunter2-secret-value"
        let id = "logged-\(secret)"
        let environment = ["DEMO_API_KEY": secret, "SIGNALROOM_LOG_LEVEL": "info"]
        let input = "{\"steps\":2,\"failStep\":2,\"failTimes\":1,\"retryInitialSeconds\":0.05}"
        let start = try await cli.run(["workflow", "start", "demo", "--id", id, "--input", input], environment: environment)
        try #require(start.status == 0, "\(start.stderr)")

        let file = try logFile(cli, id)
        let kept = try String(contentsOf: file, encoding: .utf8)
        #expect(!kept.contains(secret), "\(kept)")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let text = try await cli.run(["logs", id], environment: environment)
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains(" INFO demo started") && $0.contains("steps=2") }, "\(text.stdout)")
        #expect(lines.contains { $0.contains(" WARNING activity attempt") && $0.contains("retrying") }, "\(text.stdout)")
        #expect(!text.stdout.contains(secret))

        let json = try await cli.run(["logs", id, "--json"], environment: environment)
        let objects = json.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count && objects.count >= 2, "\(json.stdout)")
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })

        // Lines below the level of the process that ran it are not kept.
        #expect(!kept.contains("activity scheduled"), "debug lines at info: \(kept)")
    }

    @Test func followPrintsADetachedRunsLinesUntilItCloses() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let environment = ["SIGNALROOM_LOG_LEVEL": "debug"]
        let start = try await cli.run(
            ["workflow", "start", "demo", "--id", "followed", "--detach", "--input", "{\"steps\":3,\"slowStep\":2,\"slowSeconds\":1}"],
            environment: environment)
        try #require(start.status == 0 || start.status == 5, "\(start.stderr)")
        let followed = try await cli.run(["logs", "followed", "--follow"], environment: environment)
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(followed.stdout.contains("DEBUG run closed") && followed.stdout.contains("status=completed"), "\(followed.stdout)")
        #expect(followed.stdout.components(separatedBy: "activity scheduled").count - 1 == 4, "three steps and the summary: \(followed.stdout)")
    }

    @Test func pruningARunRemovesItsLogAndAnUnknownIdIsNotFound() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let start = try await cli.run(["workflow", "start", "demo", "--id", "short-lived"], environment: ["SIGNALROOM_LOG_LEVEL": "info"])
        try #require(start.status == 0, "\(start.stderr)")
        let file = try logFile(cli, "short-lived")
        try await Task.sleep(for: .milliseconds(1100))
        let prune = try await cli.run(["workflow", "prune", "--retention", "1s"])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let missing = try await cli.run(["logs", "never-ran"])
        #expect(missing.status == 4, "\(missing.stderr)")
    }
}

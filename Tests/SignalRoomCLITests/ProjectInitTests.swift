import Foundation
import Testing

/// A binary without a checkout: the reports, models and seeds it carries, and `init`.
struct ProjectInitTests {
    static let repository = S3SyncTests.repository

    /// The harness runs in an empty directory: no reports/, models/ or seeds/ there, no
    /// directory variables, so everything comes from the binary.
    @Test func withoutProjectDirectoriesTheBuiltInReportRendersTheSampleExport() async throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let environment = ["FILES_SOURCE_DIR": Self.repository.appendingPathComponent("samples/exports").path]
        let listed = try await harness.run(["reports"])
        #expect(listed.status == 0, "\(listed.stderr)")
        for name in ["alert", "daily_ccw", "sample_orders", "test_sync"] { #expect(listed.stdout.contains("\(name): "), "\(listed.stdout)") }
        let sync = try await harness.run(["sync", "files"], environment: environment)
        try #require(sync.status == 0, "\(sync.stderr)")
        let report = try await harness.run(["report", "sample_orders", "--date", "2024-12-02"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("*55* orders · *$2,967.16* revenue"), "\(report.stdout)")
    }

    @Test func initWritesAWorkingProjectAndRunningItAgainKeepsEveryFile() async throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let project = harness.root.appendingPathComponent("srv project")
        let first = try await harness.runTool([CLIHarness.binary, "init", project.path, "--json"])
        try #require(first.status == 0, "\(first.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let written = try #require(outcome["written"] as? [String])
        for path in [
            "schedules.json", ".env.example", ".gitignore", "reports/sample_orders/report.json", "models/daily_performance.sql",
            "seeds/affiliate_mapping.csv", "state/",
        ] {
            #expect(written.contains(path), "\(written)")
        }
        #expect(
            try Data(contentsOf: project.appendingPathComponent("schedules.json"))
                == Data(contentsOf: Self.repository.appendingPathComponent("schedules.json")))
        let mode = try FileManager.default.attributesOfItem(atPath: project.appendingPathComponent("state").path)[.posixPermissions] as? Int
        #expect(mode == 0o700)

        // The copies are the project's: an edited template is what renders, and init keeps it.
        let template = project.appendingPathComponent("reports/sample_orders/slack.stencil")
        try ("Edited by us\n" + String(contentsOf: template, encoding: .utf8)).write(to: template, atomically: true, encoding: .utf8)
        let second = try await harness.runTool([CLIHarness.binary, "init", project.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.hasPrefix("nothing to write in \(project.path)\n"), "\(second.stdout)")
        #expect(second.stdout.contains("kept: .env.example, .gitignore, models/ (1 file), reports/"), "\(second.stdout)")
        #expect(try String(contentsOf: template, encoding: .utf8).hasPrefix("Edited by us\n"))

        let inProject = try await harness.runTool(
            [
                "/bin/sh", "-c", "cd \"$1\" && FILES_SOURCE_DIR=\"$2\" \"$0\" sync files >/dev/null && \"$0\" report sample_orders --date 2024-12-02",
                CLIHarness.binary, project.path, Self.repository.appendingPathComponent("samples/exports").path,
            ])
        #expect(inProject.status == 0, "\(inProject.stderr)")
        #expect(inProject.stdout.hasPrefix("Edited by us\n"), "\(inProject.stdout)")
        // The schedules it wrote pass schedule-setup's checks against this build.
        let setup = try await harness.runTool(
            ["/bin/sh", "-c", "cd \"$1\" && \"$0\" schedule-setup --dry-run", CLIHarness.binary, project.path])
        #expect(setup.status == 0, "\(setup.stdout)\(setup.stderr)")
    }

    @Test func initIntoAFileIsAUsageErrorNamingIt() async throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let file = harness.root.appendingPathComponent("taken")
        try Data().write(to: file)
        let result = try await harness.runTool([CLIHarness.binary, "init", file.path])
        #expect(result.status == 2)
        #expect(
            result.stderr == "signalroom: error: \(file.path) exists and is not a directory: give `signalroom init` a new or existing directory\n",
            "\(result.stderr)")
    }
}

import Foundation
import Testing

/// `signalroom doctor`: green on a project set up as the README says, and each problem named
/// with what to do.
struct DoctorTests {
    /// What the shipped schedules need: the sources' keys and the report's Slack channel, and
    /// an alert channel other than stdout.
    static let configured: [String: String] = [
        "EVERFLOW_API_KEY": "ef-key", "REDTRACK_API_KEY": "rt-key", "S3_BUCKET_NAME": "exports", "S3_PREFIXES": "orders-create",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "very-secret-aws-key", "SLACK_WEBHOOK_URL": "http://127.0.0.1:9/hook",
        "SIGNALROOM_ALERT_CHANNEL": "slack",
    ]

    private func checks(_ result: CLIHarness.Result) throws -> [(check: String, status: String, message: String)] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        let checks = try #require(object["checks"] as? [[String: Any]])
        return checks.map { ($0["check"] as? String ?? "", $0["status"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    @Test func aProjectFromInitWithItsCrontabInstalledIsGreen() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try cli.fakeCrontabDirectory()
        var environment = Self.configured
        environment["PATH"] = "\(bin.path):/usr/bin:/bin"
        let initialised = try await cli.runTool([CLIHarness.binary, "init", cli.root.path])
        try #require(initialised.status == 0, "\(initialised.stderr)")
        let setup = try await cli.run(["schedule-setup", "--install-crontab"], environment: environment)
        try #require(setup.status == 0, "\(setup.stderr)")
        let pass = try await cli.run(["run-due", "--now", "2026-11-25T03:00:30Z"], environment: environment)
        try #require(pass.status == 0, "\(pass.stdout)\(pass.stderr)")

        let doctor = try await cli.run(["doctor"], environment: environment)
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
        let lines = doctor.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "all good", "\(doctor.stdout)")
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("ok ") }, "\(doctor.stdout)")
        #expect(
            doctor.stdout.contains("ok       run-due: the crontab line runs \(CLIHarness.realBinary()) every minute for this state"),
            "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ok       schedule daily-report: RunReportWorkflow at `0 7 * * *` in America/New_York"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ok       reports: 4 reports (alert, daily_ccw, sample_orders, test_sync) from \(cli.root.path)/reports"))
        #expect(!doctor.stdout.contains("very-secret-aws-key"))
    }

    @Test func eachProblemIsNamedWithWhatToDoAndTheExitCodeIsOne() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try cli.fakeCrontabDirectory()  // an empty crontab: nothing runs run-due
        var environment = Self.configured
        environment["PATH"] = "\(bin.path):/usr/bin:/bin"
        environment["EVERFLOW_API_KEY"] = ""
        environment["SIGNALROOM_ALERT_CHANNEL"] = ""
        environment["DATABASE_URL"] = "postgres://signalroom:hunter2-password@127.0.0.1:9/nowhere?sslmode=disable"
        try await cli.setUpSchedules(
            [
                ["id": "hourly", "cron": "15 * * * *", "workflow": "ScheduledSyncWorkflow", "input": ["sources": ["everflow", "redtrack"]]],
                ["id": "broken", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 1]],
            ], now: "2026-11-25T10:00:00Z")
        let brokenState = cli.state.appendingPathComponent("schedules/broken.json")
        try #require(FileManager.default.fileExists(atPath: brokenState.path))
        try Data("{ not json".utf8).write(to: brokenState)
        // A run whose process died: open, held by nobody, due since it started.
        let start = try await cli.run(["workflow", "start", "demo", "--id", "left-behind", "--input", "{\"timerSeconds\":3600}", "--park-after", "0"])
        #expect(start.status == 5, "\(start.stderr)")
        _ = try await cli.run(["run-due", "--now", "2026-11-25T10:00:30Z"], environment: environment)

        let result = try await cli.run(["doctor", "--json", "--now", Self.isoNow(plusSeconds: 7200 + 3600)], environment: environment)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let checks = try checks(result)
        func status(_ name: String) -> (String, String)? { checks.first { $0.check == name }.map { ($0.status, $0.message) } }
        #expect(status("run-due")?.0 == "problem")
        #expect(status("run-due")?.1.contains("schedule-setup --install-crontab") == true)
        #expect(status("last pass")?.0 == "warning" && status("last pass")?.1.contains("nothing is calling it") == true, "\(checks)")
        #expect(status("schedule broken")?.0 == "problem" && status("schedule broken")?.1.contains("schedule-setup") == true, "\(checks)")
        let hourly = status("schedule hourly")
        #expect(hourly?.0 == "problem" && hourly?.1.contains("EVERFLOW_API_KEY") == true, "\(String(describing: hourly))")
        #expect(status("open runs")?.0 == "warning" && status("open runs")?.1.contains("left-behind") == true, "\(checks)")
        #expect(status("warehouse")?.0 == "problem", "\(checks)")
        #expect(status("alerts")?.0 == "warning" && status("alerts")?.1.contains("SIGNALROOM_ALERT_CHANNEL") == true)
        #expect(!result.stdout.contains("hunter2-password"), "the database password is masked")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((object?["problems"] as? Int ?? 0) >= 4)
    }

    static func isoNow(plusSeconds seconds: TimeInterval) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date().addingTimeInterval(seconds))
    }
}

import Foundation
import Testing

/// `schedule-setup --install-systemd`: units systemd accepts, that run the same `run-due`
/// as the crontab line, whatever the paths hold.
struct SystemdUnitsTests {
    @Test func theUnitsRunRunDueEveryMinuteForThisStateAndSystemdAcceptsThem() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let units = cli.root.appendingPathComponent("units")
        try Data("[]".utf8).write(to: cli.root.appendingPathComponent("schedules.json"))
        let result = try await cli.run(["schedule-setup", "--install-systemd", "--systemd-directory", units.path])
        try #require(result.status == 0, "\(result.stderr)")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: units.path).first { $0.hasSuffix(".timer") }.map { String($0.dropLast(6)) })
        // systemd-escape --path of the state directory: /tmp/signalroom-cli-X/state → tmp-signalroom\x2dcli\x2dX-state
        let escapedRoot = cli.root.path.dropFirst().replacingOccurrences(of: "-", with: "\\x2d").replacingOccurrences(of: "/", with: "-")
        #expect(name == "signalroom-run-due-\(escapedRoot)-state")
        let service = try String(contentsOf: units.appendingPathComponent("\(name).service"), encoding: .utf8)
        let timer = try String(contentsOf: units.appendingPathComponent("\(name).timer"), encoding: .utf8)
        let binary = try #require(
            realpath(CLIHarness.binary, nil).map { pointer in
                defer { free(pointer) }; return String(cString: pointer)
            })
        let log = cli.state.appendingPathComponent("logs/run-due.log").path
        #expect(service.contains("\nType=oneshot\n"), "\(service)")
        #expect(service.contains("\nWorkingDirectory=\(cli.root.path)\n"), "\(service)")
        #expect(
            service.contains("\nExecStart=\"\(binary)\" \"--state\" \"\(cli.state.path)\" \"run-due\" \"--log-file\" \"\(log)\"\n"), "\(service)")
        for line in ["OnCalendar=*-*-* *:*:00", "Persistent=true", "WantedBy=timers.target"] {
            #expect(timer.contains("\n\(line)\n"), "\(timer)")
        }
        #expect(result.stdout.contains("enable --now \(name).timer"), "\(result.stdout)")
        let mode = try FileManager.default.attributesOfItem(atPath: units.appendingPathComponent("\(name).service").path)[.posixPermissions] as? Int
        #expect(mode == 0o644)

        // systemd's own parser, where it is installed (it is in CI, as here).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            let verify = try await cli.runTool(
                [
                    "systemd-analyze", "verify", units.appendingPathComponent("\(name).service").path,
                    units.appendingPathComponent("\(name).timer").path,
                ])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }

        // Installing again replaces the two units rather than adding more.
        let again = try await cli.run(["schedule-setup", "--install-systemd", "--systemd-directory", units.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: units.path).sorted() == ["\(name).service", "\(name).timer"])
    }

    @Test func awkwardPathsAreQuotedForSystemd() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let state = cli.root.appendingPathComponent("it's 100% \"$HOME\" state").path
        let units = cli.root.appendingPathComponent("units")
        let schedules = cli.root.appendingPathComponent("schedules.json")
        try Data("[]".utf8).write(to: schedules)
        let result = try await cli.runTool([
            CLIHarness.binary, "--state", state, "schedule-setup", "--file", schedules.path, "--install-systemd", "--systemd-directory", units.path,
        ])
        try #require(result.status == 0, "\(result.stderr)")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: units.path).first { $0.hasSuffix(".service") })
        #expect(file.contains("it\\x27s\\x20100\\x25\\x20\\x22\\x24HOME\\x22\\x20state"), "\(file)")
        let service = try String(contentsOf: units.appendingPathComponent(file), encoding: .utf8)
        #expect(service.contains("\"--state\" \"\(cli.root.path)/it's 100%% \\\"$$HOME\\\" state\""), "\(service)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            let verify = try await cli.runTool(["systemd-analyze", "verify", units.appendingPathComponent(file).path])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }
}

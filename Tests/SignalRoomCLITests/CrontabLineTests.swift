import Foundation
import Testing

/// `schedule-setup`'s crontab line runs the binary that printed it, from wherever cron starts
/// it, whatever the paths hold.
@Suite(.serialized)
struct CrontabLineTests {
    private func printedLine(_ result: CLIHarness.Result) -> String? {
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(of: "crontab line (runs every minute):"), index + 1 < lines.count else { return nil }
        return lines[index + 1].trimmingCharacters(in: .whitespaces)
    }

    @Test func theLineNamesTheRealBinaryWhenRunFromPATHElsewhereAndCronCanRunIt() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try cli.fakeCrontabDirectory()
        let work = cli.root.appendingPathComponent("my work")
        let state = cli.root.appendingPathComponent("it's 100% state").path
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data(#"[{"id": "hourly", "cron": "0 * * * *", "workflow": "demo"}]"#.utf8).write(to: work.appendingPathComponent("schedules.json"))
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let setup = try await cli.runTool(
            [
                "/bin/sh", "-c", #"cd "$0" && exec signalroom --state "$1" schedule-setup --dry-run --install-crontab"#,
                work.path, state,
            ], environment: ["PATH": path])
        #expect(setup.status == 0, "\(setup.stderr)")
        let line = try #require(printedLine(setup), "\(setup.stdout)")
        func quoted(_ path: String) -> String {
            "'" + path.replacingOccurrences(of: "'", with: #"'\''"#).replacingOccurrences(of: "%", with: #"\%"#) + "'"
        }
        let log = state + "/logs/run-due.log"
        #expect(
            line
                == "* * * * * cd '\(work.path)' && \(CLIHarness.realBinary()) --state \(quoted(state)) run-due --log-file \(quoted(log)) # signalroom run-due "
                + state.replacingOccurrences(of: "%", with: #"\%"#), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: cli.root.appendingPathComponent("crontab.txt").path), "--dry-run installs nothing")

        // What cron does with it: `\%` to `%`, then sh runs the command from another directory
        // with cron's short PATH.
        let command = String(line.dropFirst("* * * * * ".count)).replacingOccurrences(of: #"\%"#, with: "%")
        let cron = try await cli.runTool(["/bin/sh", "-c", "cd / && " + command], environment: ["PATH": "/usr/bin:/bin"])
        #expect(cron.status == 0 && cron.stderr.isEmpty && cron.stdout.isEmpty, "cron's run of the line: \(cron.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the log is private: \(String(mode ?? 0, radix: 8))")
        // The quoted paths reach the binary intact: the same line, listing what it registered.
        let registered = try await cli.runTool(
            ["/bin/sh", "-c", #"cd "$0" && exec signalroom --state "$1" schedule-setup"#, work.path, state],
            environment: ["PATH": path])
        #expect(registered.status == 0, "\(registered.stderr)")
        let list = try await cli.runTool(
            ["/bin/sh", "-c", "cd / && " + command.components(separatedBy: " run-due --log-file")[0] + " schedule list"],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(list.status == 0 && list.stdout.contains("hourly"), "\(list.stdout) \(list.stderr)")
    }

    @Test func installReplacesItsOwnLineAndKeepsTheOthers() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try cli.fakeCrontabDirectory()
        let table = cli.root.appendingPathComponent("crontab.txt")
        try Data("MAILTO=ops@example.com\n0 3 * * * /usr/local/bin/backup\n".utf8).write(to: table)
        try Data(#"[{"id": "hourly", "cron": "0 * * * *", "workflow": "demo"}]"#.utf8).write(to: cli.root.appendingPathComponent("schedules.json"))
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for _ in 0..<2 {
            let result = try await cli.run(["schedule-setup", "--install-crontab"], environment: ["PATH": path])
            #expect(result.status == 0 && result.stdout.contains("installed in this user's crontab"), "\(result.stderr)")
        }
        let installed = try String(contentsOf: table, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(installed.count == 3, "\(installed)")
        #expect(installed.prefix(2) == ["MAILTO=ops@example.com", "0 3 * * * /usr/local/bin/backup"])
        #expect(installed.last?.contains("\(CLIHarness.realBinary()) --state \(cli.state.path) run-due") == true, "\(installed)")
    }

    @Test func aBinaryThatIsNoLongerExecutableIsNotInstalled() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try cli.fakeCrontabDirectory()
        let copy = cli.root.appendingPathComponent("copy/signalroom")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CLIHarness.writeExecutable(try Data(contentsOf: URL(fileURLWithPath: CLIHarness.realBinary())), to: copy.path)
        // The binary waits on a FIFO for its schedules file, so that it can lose its execute
        // bit after starting (as when an upgrade replaces it, or it sits on a noexec mount).
        let fifo = cli.root.appendingPathComponent("schedules.json").path
        #expect(mkfifo(fifo, 0o600) == 0)
        signal(SIGPIPE, SIG_IGN)  // should the binary close the FIFO early, the test fails instead of dying
        let process = Process()
        process.executableURL = copy
        process.arguments = ["--state", cli.state.path, "schedule-setup", "--file", fifo, "--install-crontab"]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        // A child another test forks at this moment holds the copy's write descriptor until it
        // execs (an instant: the descriptor is closed on exec), and exec of the copy then fails
        // with "Text file busy" (ETXTBSY): wait for that child to exec and drop it.
        for attempt in 1...50 {
            do {
                try process.run()
                break
            } catch let error as NSError
                where attempt < 50
                && (error.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY)
            {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let writer = FileHandle(forWritingAtPath: fifo)  // opens once the binary opens the FIFO to read
        chmod(copy.path, 0o644)
        writer?.write(Data(#"[{"id": "hourly", "cron": "0 * * * *", "workflow": "demo"}]"#.utf8))
        try writer?.close()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(message)")
        #expect(message.contains("--install-crontab: \(copy.path) is not an executable file"), "\(message)")
        #expect(message.split(separator: "\n").count == 1, "\(message)")
        #expect(!FileManager.default.fileExists(atPath: cli.root.appendingPathComponent("crontab.txt").path), "nothing installed")
        #expect(!FileManager.default.fileExists(atPath: cli.state.appendingPathComponent("schedules").path), "nothing registered")
    }

    @Test func runDueWithALogFileWritesEverythingThereAndMovesABigLogAside() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let log = cli.root.appendingPathComponent("logs/run-due.log")
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        let old = Data(repeating: 0x2E, count: (10 << 20) + 1)
        try old.write(to: log)
        // A bad setting is reported after the redirection: into the log, not to cron's mail.
        let refused = try await cli.run(["run-due", "--log-file", log.path], environment: ["SIGNALROOM_RETENTION": "30"])
        #expect(refused.status == 2 && refused.stderr.isEmpty && refused.stdout.isEmpty, "\(refused.stderr)")
        let moved = try Data(contentsOf: URL(fileURLWithPath: log.path + ".1"))
        #expect(moved == old, "the full log moved to .1")
        let written = try String(contentsOf: log, encoding: .utf8)
        #expect(written.contains("SIGNALROOM_RETENTION") && written.contains("\"30\""), "\(written)")
        // Later passes append below it.
        let quiet = try await cli.run(["run-due", "--log-file", log.path])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(try String(contentsOf: log, encoding: .utf8).hasPrefix(written))
    }
}

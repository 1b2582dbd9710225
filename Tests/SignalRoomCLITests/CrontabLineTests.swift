import Foundation
import Testing

/// `schedule-setup`'s crontab line runs the binary that printed it, from wherever cron starts
/// it, whatever the paths hold.
@Suite(.serialized)
struct CrontabLineTests {
    /// A directory on PATH holding `signalroom` (a symlink to the built binary) and a fake
    /// `crontab` that keeps what it is given in `crontab.txt`.
    private func binDirectory(_ cli: CLIHarness) throws -> URL {
        let bin = cli.root.appendingPathComponent("bin dir")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("signalroom").path, withDestinationPath: CLIHarness.binary)
        let fake = bin.appendingPathComponent("crontab")
        let table = cli.root.appendingPathComponent("crontab.txt").path
        try Data(
            """
            #!/bin/sh
            if [ "$1" = "-l" ]; then cat '\(table)' 2>/dev/null && exit 0; echo "no crontab for $(id -un)" >&2; exit 1; fi
            cat > '\(table)'
            """.utf8
        ).write(to: fake)
        chmod(fake.path, 0o755)
        return bin
    }

    private func realBinary() -> String {
        guard let resolved = realpath(CLIHarness.binary, nil) else { return CLIHarness.binary }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func printedLine(_ result: CLIHarness.Result) -> String? {
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(of: "crontab line (runs every minute):"), index + 1 < lines.count else { return nil }
        return lines[index + 1].trimmingCharacters(in: .whitespaces)
    }

    @Test func theLineNamesTheRealBinaryWhenRunFromPATHElsewhereAndCronCanRunIt() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try binDirectory(cli)
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
        let quotedState = "'" + state.replacingOccurrences(of: "'", with: #"'\''"#).replacingOccurrences(of: "%", with: #"\%"#) + "'"
        #expect(
            line == "* * * * * cd '\(work.path)' && \(realBinary()) --state \(quotedState) run-due # signalroom run-due "
                + state.replacingOccurrences(of: "%", with: #"\%"#), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: cli.root.appendingPathComponent("crontab.txt").path), "--dry-run installs nothing")

        // What cron does with it: `\%` to `%`, then sh runs the command from another directory
        // with cron's short PATH.
        let command = String(line.dropFirst("* * * * * ".count)).replacingOccurrences(of: #"\%"#, with: "%")
        let cron = try await cli.runTool(["/bin/sh", "-c", "cd / && " + command], environment: ["PATH": "/usr/bin:/bin"])
        #expect(cron.status == 0 && cron.stderr.isEmpty, "cron's run of the line: \(cron.stderr)")
        // The quoted paths reach the binary intact: the same line, listing what it registered.
        let registered = try await cli.runTool(
            ["/bin/sh", "-c", #"cd "$0" && exec signalroom --state "$1" schedule-setup"#, work.path, state],
            environment: ["PATH": path])
        #expect(registered.status == 0, "\(registered.stderr)")
        let list = try await cli.runTool(
            ["/bin/sh", "-c", "cd / && " + command.replacingOccurrences(of: " run-due", with: " schedule list")],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(list.status == 0 && list.stdout.contains("hourly"), "\(list.stdout) \(list.stderr)")
    }

    @Test func installReplacesItsOwnLineAndKeepsTheOthers() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try binDirectory(cli)
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
        #expect(installed.last?.contains("\(realBinary()) --state \(cli.state.path) run-due") == true, "\(installed)")
    }

    @Test func aBinaryThatIsNoLongerExecutableIsNotInstalled() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bin = try binDirectory(cli)
        let copy = cli.root.appendingPathComponent("copy/signalroom")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: realBinary(), toPath: copy.path)
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
        // A child another test spawns at this moment may inherit, for an instant, the write
        // descriptor of the copy just made, and exec then fails with "Text file busy"
        // (ETXTBSY): wait for that child to exec and drop it.
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
}

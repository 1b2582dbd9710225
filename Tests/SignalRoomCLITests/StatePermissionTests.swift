import Foundation
import Testing

/// Everything under `state/` is private to its user whatever the umask: files 0600,
/// directories 0700; a state directory someone loosened is pointed out.
@Suite(.serialized)
struct StatePermissionTests {
    /// Runs the binary with umask 000, so only the modes the code gives count.
    private func runWithOpenUmask(_ cli: CLIHarness, _ arguments: [String], environment: [String: String] = [:]) async throws -> CLIHarness.Result {
        try await cli.runTool(
            [
                "/bin/sh", "-c", "umask 000 && cd \"$0\" && exec \"$@\"", cli.root.path, CLIHarness.binary,
                "--state", cli.state.path,
            ] + arguments,
            environment: environment.merging(["SIGNALROOM_LOG_LEVEL": "warning"]) { $1 })
    }

    private func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    /// Paths below state/ whose mode is not private, with their modes in octal.
    private func loose(_ cli: CLIHarness) -> [String] {
        let walker = FileManager.default.enumerator(atPath: cli.state.path)
        var found: [String] = []
        while let relative = walker?.nextObject() as? String {
            let path = cli.state.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let bits = mode(path)
            if isDirectory.boolValue ? bits != 0o700 : bits & 0o077 != 0 { found.append("\(relative) \(String(bits, radix: 8))") }
        }
        return found
    }

    @Test func warehouseAlertsSchedulesAndHistoriesArePrivateUnderAnOpenUmask() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let exports = cli.root.appendingPathComponent("exports/orders")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try Data("id,total\n1,10.50\n2,3.25\n3,7\n".utf8).write(to: exports.appendingPathComponent("orders_2024-12-01.csv"))
        let files = ["FILES_SOURCE_DIR": exports.deletingLastPathComponent().path, "SIGNALROOM_LOAD_CHUNK_ROWS": "1"]

        // Killed mid-load, the database's -wal and -shm stay behind: they must be private too.
        let killed = try await runWithOpenUmask(cli, ["sync", "files"], environment: files.merging(["SIGNALROOM_TEST_KILL_AT": "staged:1"]) { $1 })
        #expect(killed.killedBySignal, "\(killed.stderr)")
        let database = cli.state.appendingPathComponent("warehouse/files.sqlite").path
        for path in [database, database + "-wal", database + "-shm"] {
            #expect(mode(path) == 0o600, "\(path): \(String(mode(path), radix: 8))")
        }
        #expect(try await runWithOpenUmask(cli, ["sync", "files"], environment: files).status == 0)

        // A failed sync records its alert under state/alerts/.
        let bad = cli.root.appendingPathComponent("bad/t")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try Data("a,b\n1\n".utf8).write(to: bad.appendingPathComponent("t_2024-12-01.csv"))
        let failed = try await runWithOpenUmask(
            cli, ["sync", "files", "--id", "bad"],
            environment: ["FILES_SOURCE_DIR": bad.deletingLastPathComponent().path, "FILES_DATASET": "other"])
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(mode(cli.state.appendingPathComponent("alerts/bad.json").path) == 0o600)

        let schedules = cli.root.appendingPathComponent("schedules.json")
        try Data(#"[{"id":"hourly","cron":"0 * * * *","workflow":"demo","input":{"steps":1}}]"#.utf8).write(to: schedules)
        #expect(try await runWithOpenUmask(cli, ["schedule-setup", "--file", schedules.path, "--now", "2026-11-25T09:30:00Z"]).status == 0)
        #expect(try await runWithOpenUmask(cli, ["run-due", "--now", "2026-11-25T10:00:10Z"]).status == 0)

        #expect(mode(cli.state.path) == 0o700)
        #expect(loose(cli) == [], "every file 0600, every directory 0700")
    }

    @Test func aLooseStateDirectoryIsWarnedAboutOncePerCommand() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(at: cli.state, withIntermediateDirectories: true)
        #expect(chmod(cli.state.path, 0o755) == 0)
        for command in [["workflow", "list"], ["run-due"]] {
            let result = try await cli.run(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let warnings = result.stderr.split(separator: "\n").filter { $0.contains("state directory") }
            #expect(warnings.count == 1, "\(command): \(result.stderr)")
            #expect(warnings.first?.contains("\(cli.state.path) is mode 755") == true, "\(result.stderr)")
            #expect(warnings.first?.contains("chmod 700 \(cli.state.path)") == true, "\(result.stderr)")
        }
        #expect(mode(cli.state.path) == 0o755, "the mode is pointed out, not changed")
        #expect(chmod(cli.state.path, 0o700) == 0)
        let quiet = try await cli.run(["run-due"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }
}

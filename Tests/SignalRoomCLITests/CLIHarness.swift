import Foundation
import Testing

/// Runs the built `signalroom` binary as a real process against a temporary state
/// directory, and reads back what it left on disk.
struct CLIHarness {
    let root: URL
    var state: URL { root.appendingPathComponent("state") }
    var journal: String { root.appendingPathComponent("journal.log").path }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SIGNALROOM_BIN"] { return path }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return package.appendingPathComponent(".build/debug/signalroom").path
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }

    struct Result {
        var status: Int32
        var killedBySignal: Bool
        var stdout: String
        var stderr: String
        /// The process's own peak resident memory in kilobytes (`VmHWM`, see `finish()`).
        var peakMemoryKB: Int = 0
    }

    /// Starts the binary and returns the running process; stdout and stderr go to files.
    /// Spawned with posix_spawn rather than Foundation's Process, whose `run()` crashed
    /// (bad pointer in memmove) when thousands of processes were launched from a test.
    func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCommand {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SIGNALROOM_TEST_KILL_AFTER_EVENT")
        env.removeValue(forKey: "SIGNALROOM_STATE")
        for (key, value) in environment { env[key] = value }
        // The working directory is set by a shell that then execs the binary (same pid):
        // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift here.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", root.path, Self.binary, "--state", state.path] + arguments
        return try spawn(argv, environment: env)
    }

    /// Runs another program (`sqlite3`, `psql`), found on PATH, to completion; its output
    /// goes through files in the harness's directory like the binary's.
    func runTool(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        return try await spawn(arguments, environment: env).finish()
    }

    private func spawn(_ argv: [String], environment env: [String: String]) throws -> RunningCommand {
        let id = UUID().uuidString
        let out = root.appendingPathComponent("out-\(id)")
        let err = root.appendingPathComponent("err-\(id)")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(argv[0]): \(String(cString: strerror(status)))"])
        }
        return RunningCommand(pid: pid, stdoutPath: out, stderrPath: err)
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await launch(arguments, environment: environment).finish()
    }

    /// Writes `entries` as `schedules.json` in the harness's directory; returns its path.
    func writeSchedules(_ entries: [[String: Any]]) throws -> String {
        let path = root.appendingPathComponent("schedules.json").path
        try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: What is on disk

    func historyLines(_ workflowId: String) throws -> [[String: Any]] {
        let directory = state.appendingPathComponent("workflows/\(workflowId)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        guard let last = files.last else { return [] }
        let text = try String(contentsOf: directory.appendingPathComponent(last), encoding: .utf8)
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func historyFile(_ workflowId: String) throws -> URL {
        let directory = state.appendingPathComponent("workflows/\(workflowId)")
        let name = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".jsonl") }.sorted().last!
        return directory.appendingPathComponent(name)
    }

    func journalLines() -> [String] {
        ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Every file under state/ with its bytes, to prove a command changed nothing.
    func stateSnapshot() -> [String: Data] {
        var snapshot: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: state.path) else { return snapshot }
        while let path = walker.nextObject() as? String {
            let full = state.appendingPathComponent(path).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            snapshot[path] = isDirectory.boolValue ? Data() : FileManager.default.contents(atPath: full)
        }
        return snapshot
    }

    /// Polls until `condition` holds (or fails the test after `timeout`).
    func waitUntil(timeout: Double = 20, _ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }
}

struct RunningCommand {
    let pid: pid_t
    let stdoutPath: URL
    let stderrPath: URL

    func kill() { Foundation.kill(pid, SIGKILL) }

    /// Waits for the process. Its peak memory is its own `VmHWM`, read from /proc while it
    /// runs, not wait4's `ru_maxrss`: Linux keeps in `ru_maxrss` the high-water mark of the
    /// memory an exec replaced, which for a child spawned by this test process is this
    /// process's, so under the full suite a 115 MB sync reported 274 MB.
    func finish() async throws -> CLIHarness.Result {
        var status: Int32 = 0
        var usage = rusage()
        var highWater = 0
        while true {
            highWater = max(highWater, Self.ownHighWaterKB(of: pid) ?? 0)
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0, errno != EINTR { throw CocoaError(.fileReadUnknown) }
            try await Task.sleep(for: .milliseconds(5))
        }
        // WIFSIGNALED / WEXITSTATUS, which Swift does not import as macros.
        let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
        return CLIHarness.Result(
            status: signaled ? (status & 0x7F) : (status >> 8) & 0xFF,
            killedBySignal: signaled,
            stdout: (try? String(contentsOf: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrPath, encoding: .utf8)) ?? "",
            peakMemoryKB: highWater > 0 ? highWater : Int(usage.ru_maxrss))
    }

    /// `VmHWM` of a running process (nil once it has exited or before its exec).
    static func ownHighWaterKB(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
}

extension Dictionary where Key == String, Value == Any {
    var eventType: String { self["eventType"] as? String ?? "" }
    var attributes: [String: Any] { self["attributes"] as? [String: Any] ?? [:] }
    var eventId: Int { self["eventId"] as? Int ?? 0 }
}

func demoInput(_ fields: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
}

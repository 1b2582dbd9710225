import ArgumentParser
import Foundation
import SignalRoomEngine

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show the log lines a run wrote (kept with its history), optionally following it until it closes or parks.",
        discussion: """
            Every line a run logs at or above the log level of the process running it is kept with the run \
            (secrets masked, at most 1 MB), so what a run did under cron or --detach can be read later. \
            run-due logs at warning by default; give it --log-level info to keep more.

            Examples:
              signalroom logs sync-everflow
              signalroom logs daily-report-2026-11-25T12:00:00Z --json
              signalroom workflow start demo --id hello --detach && signalroom logs hello --follow
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The workflow id.")
    var workflowId: String

    @Option(help: "A run of the id other than its open or newest one.")
    var run: String?

    @Flag(help: "Keep printing new lines until no process holds the run (it closed, parked or its process died).")
    var follow = false

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let reference = try resolveRun(store, workflowId: workflowId, runId: run)
        var offset = 0
        var printed = 0
        var idlePolls = 0
        while true {
            let bytes = store.log(of: reference, from: offset)
            // Only whole lines: a line being written is printed on the next poll.
            let end = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            for line in bytes[..<end].split(separator: UInt8(ascii: "\n")) {
                print(settings.json ? String(decoding: line, as: UTF8.self) : Self.text(of: Array(line)))
                printed += 1
            }
            offset += end
            guard follow else { break }
            // Two polls in a row without a holder: a run just handed to a background process
            // is claimed within a moment, so one poll is not enough to say it stopped.
            idlePolls = store.isClaimed(reference) ? 0 : idlePolls + 1
            if idlePolls >= 3 && end == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        if printed == 0 && !settings.json {
            FileHandle.standardError.write(
                Data(
                    "no log lines kept for \(reference.workflowId) (run \(reference.runId)); lines at or above the running process's log level are kept\n"
                        .utf8))
        }
    }

    /// A kept line as `signalroom` writes log lines on stderr: time, level, message, metadata.
    static func text(of line: [UInt8]) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            return String(decoding: line, as: UTF8.self)
        }
        let fixed: Set<String> = ["time", "level", "message", "logger"]
        let details = object.keys.filter { !fixed.contains($0) }.sorted().map { "\($0)=\(object[$0] ?? "")" }.joined(separator: " ")
        let head = "\(object["time"] as? String ?? "-") \((object["level"] as? String ?? "").uppercased()) \(object["message"] as? String ?? "")"
        return details.isEmpty ? head : head + " " + details
    }
}

#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ArgumentParser
import Foundation
import SignalRoomEngine

@main
struct SignalRoomCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "signalroom",
        abstract: "Durable marketing-data workflows without a workflow server.",
        discussion: """
            Exit codes: 0 success; 1 the workflow failed, was cancelled or terminated; \
            2 usage or configuration error; 3 conflict (id already running, run locked, already closed); \
            4 not found; 5 the run is parked or still open (a later invocation resumes it); \
            6 state damaged or unreadable; 70 internal error.
            """,
        version: version,
        subcommands: [WorkflowCommand.self, SyncCommand.self, ReportCommand.self, ScheduleSetupCommand.self, RunDueCommand.self])

    /// Parses, runs, and turns every error into one line on stderr plus a documented exit
    /// code (ArgumentParser's own handling would print usage for domain errors).
    static func main() async {
        // stdout is fully buffered into a pipe; lines must not be lost if the process dies.
        setvbuf(stdout, nil, _IOLBF, 0)
        let code: Int32
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = 0
        } catch let error as ExitCode {
            code = error.rawValue
        } catch {
            code = report(error)
        }
        Glibc.exit(code)
    }

    private static func report(_ error: Error) -> Int32 {
        if let failure = CommandFailure(error) {
            FileHandle.standardError.write(Data("signalroom: error: \(failure.message)\n".utf8))
            return failure.code.rawValue
        }
        let parserCode = exitCode(for: error)
        if parserCode == .success {
            print(fullMessage(for: error))
            return 0
        }
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        return ExitStatus.usage.rawValue
    }
}

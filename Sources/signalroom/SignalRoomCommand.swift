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
        subcommands: [
            InitCommand.self, DoctorCommand.self, WorkflowCommand.self, LogsCommand.self, ScheduleSetupCommand.self, RunDueCommand.self,
            ScheduleCommand.self,
            SyncCommand.self, SourcesCommand.self, PipelineCommand.self, ReportCommand.self, StateCommand.self,
            ReportsCommand.self, ModelsCommand.self, UICommand.self, CompletionCommand.self,
        ])

    /// Parses, runs, and turns every error into one line on stderr plus a documented exit
    /// code (ArgumentParser's own handling would print usage for domain errors).
    static func main() async {
        // stdout is fully buffered into a pipe; lines must not be lost if the process dies.
        setvbuf(stdout, nil, _IOLBF, 0)
        let code: Int32
        do {
            let arguments = globalOptionsMovedAfterSubcommand(Array(CommandLine.arguments.dropFirst()))
            if let suggestion = SubcommandSuggestion.message(for: arguments) { throw CommandFailure(suggestion, code: .usage) }
            var command = try parseAsRoot(arguments)
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

    /// Global options belong to every leaf command (ArgumentParser has no inherited
    /// options), yet people write them first: `signalroom --state /srv/state workflow list`.
    /// Leading global options are moved behind the subcommand path so both orders work.
    static func globalOptionsMovedAfterSubcommand(_ arguments: [String]) -> [String] {
        let valued: Set<String> = ["--state", "--log-level", "--log-format", "--park-after"]
        let flags: Set<String> = ["--json", "-q", "--quiet", "-v", "--verbose"]
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if flags.contains(argument) || (valued.contains(name) && argument.contains("=")) {
                leading.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        return Array(arguments[index...]) + leading
    }

    private static func report(_ error: Error) -> Int32 {
        let errors = ErrorLine(json: jsonRequested(Array(CommandLine.arguments.dropFirst())))
        if let failure = CommandFailure(error) {
            return errors.write(failure.message, code: failure.code)
        }
        let parserCode = exitCode(for: error)
        if parserCode == .success {
            print(fullMessage(for: error))
            return 0
        }
        guard parserCode == .validationFailure else {
            // Not a usage error: a file-system failure reading state/, or a bug.
            let secrets = SecretRedactor(environment: Settings.environment())
            if error is CocoaError || (error as NSError).domain == NSPOSIXErrorDomain {
                return errors.write("cannot read the state directory: \(secrets.redact(error.localizedDescription))", code: .stateDamaged)
            }
            return errors.write("internal error: \(secrets.redact(String(describing: error))); please report it", code: .internalError)
        }
        // One line, like every other error; `--help` has the usage. A value a typed option
        // refused is worded by its parser (option, value, what is allowed).
        let message =
            OptionValueError.thrown(inside: error)?.description ?? self.message(for: error).split(separator: "\n").first.map(String.init)
            ?? "\(error)"
        return errors.write(message + " (see --help)", code: .usage)
    }

    /// `--json` among the options (before a `--`), so that an error is JSON too.
    static func jsonRequested(_ arguments: [String]) -> Bool {
        arguments.prefix(while: { $0 != "--" }).contains("--json")
    }
}

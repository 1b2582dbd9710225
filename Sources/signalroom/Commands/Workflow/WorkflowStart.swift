import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomRuntime
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

struct WorkflowStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a built-in workflow and wait for its result.",
        discussion: """
            Exits 0 when the run completes, 1 when it fails, is cancelled or terminated, 5 when it \
            parks on a long wait (a later `workflow resume --due` or `run-due` carries it on), \
            3 when the id already has an open run.

            Examples:
              signalroom workflow start demo --id hello --input '{"steps":3,"failStep":2,"failTimes":1}'
              signalroom workflow start demo --input '{"timerSeconds":60}' --detach
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow type, e.g. demo.")
    var type: String

    @Option(help: ArgumentHelp("Workflow input as JSON (default: {}).", valueName: "json"), transform: { try OptionValues.json($0, from: "--input") })
    var input: JSONValue = .object([:])

    @Option(help: "Workflow id (default: <type>-<random>). One open run per id.")
    var id: String?

    @Flag(help: "Return once the run is recorded; a background process runs it.")
    var detach = false

    func validate() throws {
        if let id {
            do { try WorkflowId.validate(id) } catch { throw ValidationError("--id: \(error)") }
        }
    }

    func run() async throws {
        let settings = try global.settings()
        let payload = input
        let store = try settings.store()
        let engine = settings.engine(store: store)
        let claimed = try engine.start(workflowType: type, workflowId: id, input: payload)
        let run = claimed.run
        if detach {
            claimed.lease.release()
            try BackgroundResume.spawnResume(run, settings: settings)
            if settings.json {
                try Output.json(["workflowId": run.workflowId, "runId": run.runId, "status": "started"])
            } else {
                print(
                    "started workflow \(run.workflowId) (run \(run.runId)) in the background; `signalroom workflow describe \(run.workflowId)` follows it"
                )
            }
            return
        }
        let outcome = try await engine.execute(claimed)
        throw ExitCode(try OutcomeReport(run: run, outcome: outcome).emit(json: settings.json).rawValue)
    }

}

/// Runs `signalroom workflow resume ID` in a new session, detached from this terminal.
/// If it never starts, the run stays in the open index for `workflow resume --due`.
enum BackgroundResume {
    static func spawnResume(_ run: RunReference, settings: Settings) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).path
        let arguments = [executable, "--state", settings.stateDirectory.path, "workflow", "resume", run.workflowId, "--run", run.runId]
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, posixSpawnSetSID)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // A state URL given as a flag reaches the child as the variable: never in its arguments,
        // where `ps` would show the password.
        var variables: [String] = []
        var replaced: [String] = []
        if settings.state.isDatabase {
            for variable in [EnvironmentVariable.stateURL, .stateSchema] {
                guard let value = settings.environment[variable.name] else { continue }
                variables.append(variable.name + "=" + value)
                replaced.append(variable.name + "=")
            }
        }
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !replaced.contains(where: text.hasPrefix) { variables.append(text) }
            index += 1
        }
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        let status = posix_spawn(&pid, executable, &actions, &attributes, &argv, envp)
        guard status == 0 else {
            throw CommandFailure(
                "the run was recorded but its background process could not start (\(String(cString: strerror(status)))); "
                    + "`signalroom workflow resume \(run.workflowId)` runs it", code: .internalError)
        }
    }
}

/// glibc's POSIX_SPAWN_SETSID (0x80), hidden from Swift behind _GNU_SOURCE: the child gets
/// its own session so a closing terminal does not take it down.
private let posixSpawnSetSID: Int16 = 0x80

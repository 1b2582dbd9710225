import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomRuntime
import SignalRoomScheduler
import SignalRoomWorkflows

struct ScheduleSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule-setup",
        abstract: "Register schedules.json into state/schedules (idempotent) and show what will fire.",
        discussion:
            "Unchanged schedules keep their runtime state, changed ones are updated, removed ones deleted. A file with any error changes nothing.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The schedules file.")
    var file: String = "schedules.json"

    @Flag(help: "Delete every registered schedule instead.")
    var delete = false

    @Flag(help: "Show what would change without changing anything.")
    var dryRun = false

    @Flag(help: "Add (or update) the crontab line that drives `run-due` in this user's crontab.")
    var installCrontab = false

    @Flag(help: "Write a systemd .service and .timer that run `run-due` every minute (for hosts without cron), and say how to enable them.")
    var installSystemd = false

    @Option(
        help: ArgumentHelp(
            "Where --install-systemd writes the units (default /etc/systemd/system as root, else ~/.config/systemd/user).", valueName: "dir"))
    var systemdDirectory: String?

    @Option(
        help: ArgumentHelp("Register as if it were this time (ISO 8601): fire times after it are due. For tests and demos.", valueName: "instant"),
        transform: { try OptionValues.instant($0, from: "--now") })
    var now: Date?

    /// cron and systemd run `run-due` in this directory with neither this shell's variables
    /// nor its flags: a PostgreSQL state named only there would leave them on a file state
    /// of their own, firing every schedule a second time. `.env` is what they read.
    static func checkStateIsInDotEnv(_ settings: Settings, flag: String) throws {
        guard settings.state.isDatabase else { return }
        let file = (try? DotEnvFile.read(path: FileManager.default.currentDirectoryPath + "/.env")) ?? [:]
        for variable in [EnvironmentVariable.stateURL, .stateSchema] {
            let used = settings.environment[variable.name] ?? variable.defaultValue
            let kept = file[variable.name].flatMap { $0.isEmpty ? nil : $0 } ?? variable.defaultValue
            guard used == kept else {
                throw CommandFailure(
                    "\(flag): the PostgreSQL state is chosen by \(variable.name) in this shell (or --state), which \(flag == "--install-crontab" ? "cron" : "systemd") will not see; "
                        + "put \(variable.name) in ./.env, then run this again", code: .usage)
            }
        }
    }

    func run() async throws {
        let settings = try global.settings()
        let moment = now ?? Date()
        let line = CrontabLine(settings: settings)
        let installed = installCrontab && !dryRun
        let units = installSystemd && !dryRun ? SystemdUnits(settings: settings, directory: systemdDirectory) : nil
        let store = try settings.stores().schedules
        let registry = BuiltinWorkflows.registry()
        let changes: [(id: String, change: ScheduleRegistration.Change)]
        var specs: [ScheduleSpec] = []
        if delete {
            if installed { try line.checkInstallable() }
            try units?.checkInstallable()
            changes = try ScheduleRegistration.deleteAll(store: store, dryRun: dryRun)
        } else {
            var checked = ScheduleFile.check(path: file, knownWorkflows: registry.workflowNames)
            let inputs = WorkflowInputCheck(configuration: settings.runtime)
            for spec in checked.specs {
                for problem in await inputs.problems(workflow: spec.workflow, input: spec.input) {
                    checked.problems.append(ScheduleFileError(path: file, schedule: spec.id, field: problem.field, message: problem.message))
                }
            }
            try Self.refuse(checked.problems)
            // Before anything is registered: a line cron cannot run fails every minute in silence.
            if installed || units != nil { try Self.checkStateIsInDotEnv(settings, flag: installed ? "--install-crontab" : "--install-systemd") }
            if installed { try line.checkInstallable() }
            try units?.checkInstallable()
            specs = checked.specs
            changes = try await ScheduleRegistration.reconcile(specs, store: store, now: moment, dryRun: dryRun)
        }
        if installed { try line.install() }
        try units?.install()
        if settings.json {
            return try Output.json(
                SetupReport(
                    changes: changes.map { .init(id: $0.id, change: $0.change.rawValue) },
                    schedules: specs.map { ScheduleView(spec: $0, after: moment) },
                    crontab: line.text, dryRun: dryRun,
                    systemdUnits: units.map { [$0.servicePath, $0.timerPath] }))
        }
        for (id, change) in changes where change != .unchanged || dryRun {
            print("\(dryRun ? "would be " : "")\(change.rawValue): \(id)")
        }
        for spec in specs {
            print("")
            print(ScheduleView(spec: spec, after: moment).text)
        }
        print("")
        print("crontab line (runs every minute):")
        print("  \(line.text)")
        if installed { print("installed in this user's crontab") }
        if let units {
            print("")
            print("systemd units written: \(units.servicePath), \(units.timerPath)")
            print("enable them:")
            for command in units.enableCommands { print("  \(command)") }
        }
    }

    /// Every problem on its own line; the last one is the command's error (exit 2).
    static func refuse(_ problems: [ScheduleFileError]) throws {
        guard let last = problems.last else { return }
        for problem in problems.dropLast() {
            FileHandle.standardError.write(Data("signalroom: error: \(problem.description)\n".utf8))
        }
        let count = problems.count == 1 ? "" : " (\(problems.count) problems in all)"
        throw CommandFailure(last.description + count, code: .usage)
    }

    struct SetupReport: Encodable {
        struct Change: Encodable { var id: String; var change: String }
        var changes: [Change]
        var schedules: [ScheduleView]
        var crontab: String
        var dryRun: Bool
        var systemdUnits: [String]?
    }
}

/// A schedule with its next fire times, in its zone and in UTC.
struct ScheduleView: Encodable {
    var id: String
    var cron: String
    var timezone: String
    var workflow: String
    var overlap: String
    var next: [NextFire]

    struct NextFire: Encodable { var utc: String; var local: String }

    init(spec: ScheduleSpec, after: Date, count: Int = 3) {
        id = spec.id
        cron = spec.cron.description
        timezone = spec.timeZoneName
        workflow = spec.workflow
        overlap = spec.overlap.rawValue
        next = spec.cron.fireTimes(after: after, in: spec.timeZone, count: count).map {
            NextFire(utc: ScheduleTime.iso($0), local: ScheduleTime.local($0, in: spec.timeZone))
        }
    }

    var text: String {
        var lines = ["\(id): `\(cron)` in \(timezone) → \(workflow) (overlap \(overlap))"]
        for fire in next { lines.append("  next \(fire.local)  (\(fire.utc))") }
        return lines.joined(separator: "\n")
    }
}

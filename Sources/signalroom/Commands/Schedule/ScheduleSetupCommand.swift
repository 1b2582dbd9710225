import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomScheduler
import SignalRoomWorkflows

struct ScheduleSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule-setup",
        abstract: "Register schedules.json into state/schedules (idempotent) and show what will fire.",
        discussion: "Unchanged schedules keep their runtime state, changed ones are updated, removed ones deleted. A file with any error changes nothing.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The schedules file.")
    var file: String = "schedules.json"

    @Flag(help: "Delete every registered schedule instead.")
    var delete = false

    @Flag(help: "Show what would change without changing anything.")
    var dryRun = false

    @Flag(help: "Add (or update) the crontab line that drives `run-due` in this user's crontab.")
    var installCrontab = false

    @Option(help: "Register as if it were this time (ISO 8601): fire times after it are due. For tests and demos.")
    var now: String?

    func run() async throws {
        let settings = try global.settings()
        let moment = try OptionValues.instant(now, option: "--now")
        let store = ScheduleStore(stateDirectory: settings.stateDirectory)
        let registry = BuiltinWorkflows.registry()
        let changes: [(id: String, change: ScheduleRegistration.Change)]
        var specs: [ScheduleSpec] = []
        if delete {
            changes = ScheduleRegistration.deleteAll(store: store, dryRun: dryRun)
        } else {
            var checked = ScheduleFile.check(path: file, knownWorkflows: registry.workflowNames)
            let inputs = WorkflowInputCheck(services: settings.pipelineServices())
            for spec in checked.specs {
                for problem in await inputs.problems(workflow: spec.workflow, input: spec.input) {
                    checked.problems.append(ScheduleFileError(path: file, schedule: spec.id, field: problem.field, message: problem.message))
                }
            }
            try Self.refuse(checked.problems)
            specs = checked.specs
            changes = try await ScheduleRegistration.reconcile(specs, store: store, now: moment, dryRun: dryRun)
        }
        let line = CrontabLine(settings: settings)
        if settings.json {
            return try Output.json(SetupReport(changes: changes.map { .init(id: $0.id, change: $0.change.rawValue) },
                                               schedules: specs.map { ScheduleView(spec: $0, after: moment) },
                                               crontab: line.text, dryRun: dryRun))
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
        if installCrontab && !dryRun {
            try line.install()
            print("installed in this user's crontab")
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

/// The crontab line that drives `run-due`, and installing it without duplicates: the line
/// is tagged with the state directory, and an existing tagged line is replaced.
struct CrontabLine {
    let text: String
    let tag: String

    init(settings: Settings) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let directory = FileManager.default.currentDirectoryPath
        tag = "# signalroom run-due \(settings.stateDirectory.path)"
        text = "* * * * * cd \(directory) && \(binary) --state \(settings.stateDirectory.path) run-due \(tag)"
    }

    func install() throws {
        let current = try crontab(["-l"], input: nil, allowFailure: true)
        var lines = current.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.hasSuffix(tag) && !$0.hasPrefix("no crontab for") }
        while lines.last == "" { lines.removeLast() }
        lines.append(text)
        _ = try crontab(["-"], input: lines.joined(separator: "\n") + "\n", allowFailure: false)
    }

    private func crontab(_ arguments: [String], input: String?, allowFailure: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["crontab"] + arguments
        let output = Pipe()
        let input = input.map { text in let pipe = Pipe(); pipe.fileHandleForWriting.write(Data(text.utf8)); try? pipe.fileHandleForWriting.close(); return pipe }
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch {
            throw CommandFailure("cannot run crontab (\(error)); install cron (apt-get install cron) or add the line by hand", code: .usage)
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if process.terminationStatus != 0 && !allowFailure {
            throw CommandFailure("crontab failed: \(text.trimmingCharacters(in: .whitespacesAndNewlines))", code: .usage)
        }
        return process.terminationStatus == 0 ? text : ""
    }
}

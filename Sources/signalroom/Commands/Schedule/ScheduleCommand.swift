import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomSchedules
import SignalRoomScheduler

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Inspect and control registered schedules.",
        subcommands: [ScheduleList.self, ScheduleDescribe.self, ScheduleNext.self, SchedulePause.self,
                      ScheduleUnpause.self, ScheduleTrigger.self, ScheduleBackfill.self])
}

extension Settings {
    func scheduler() throws -> Scheduler {
        let store = try self.store()
        return Scheduler(schedules: ScheduleStore(stateDirectory: stateDirectory), engine: engine(store: store))
    }

    /// A registered schedule and the scheduler that holds it, with the CLI's error mapping.
    func registeredSchedule(_ id: String) throws -> (scheduler: Scheduler, item: Scheduler.Registered) {
        let scheduler = try scheduler()
        do {
            return (scheduler, try scheduler.registered(id))
        } catch {
            throw scheduleFailure(error)
        }
    }
}

/// Schedule-store errors as the CLI reports them.
func scheduleFailure(_ error: Error) -> Error {
    guard let error = error as? ScheduleStoreError else { return error }
    switch error {
    case .notFound: return CommandFailure(error.description, code: .notFound)
    case .damaged, .io: return CommandFailure(error.description, code: .stateDamaged)
    }
}

/// Changes a registered schedule's state under its lock, with the CLI's error mapping.
func updateSchedule(_ id: String, _ settings: Settings, _ change: (inout ScheduleState) -> Void) async throws {
    do {
        try await settings.scheduler().update(id, change)
    } catch {
        throw scheduleFailure(error)
    }
}

struct ScheduleList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Registered schedules with their next fire time.",
        discussion: "A schedule whose state cannot be read is listed as damaged, named on stderr, and the command exits 6.")
    @OptionGroup var global: GlobalOptions

    /// `damaged` (the error) is set, and the spec's fields are absent, for a state that cannot be read.
    struct Row: Encodable {
        var id: String; var cron: String?; var timezone: String?; var workflow: String?
        var paused: Bool?; var next: String?; var lastFire: String?; var damaged: String?
    }

    func run() async throws {
        let settings = try global.settings()
        let scheduler = try settings.scheduler()
        var rows: [Row] = []
        var damage: [String] = []
        for id in scheduler.schedules.ids() {
            do {
                let item = try scheduler.registered(id)
                rows.append(Row(id: id, cron: item.spec.cron.description, timezone: item.spec.timeZoneName,
                                workflow: item.spec.workflow, paused: item.paused,
                                next: item.spec.cron.nextFireTime(after: Date(), in: item.spec.timeZone).map(ScheduleTime.iso),
                                lastFire: item.state.lastFire.map { ScheduleTime.iso($0.fireTime) }))
            } catch let error as ScheduleStoreError {
                // One bad file must not hide the others: list it as damaged and go on.
                guard case .damaged = error else { throw scheduleFailure(error) }
                rows.append(Row(id: id, damaged: error.description))
                damage.append(error.description)
            }
        }
        if settings.json {
            try Output.json(rows)
        } else if rows.isEmpty {
            print("no schedules registered; `signalroom schedule-setup` registers schedules.json")
        } else {
            print(Output.table(["ID", "CRON", "TIME ZONE", "WORKFLOW", "STATE", "NEXT (UTC)", "LAST FIRE"], rows.map {
                [$0.id, $0.cron ?? "-", $0.timezone ?? "-", $0.workflow ?? "-",
                 $0.damaged != nil ? "damaged" : $0.paused == true ? "paused" : "active", $0.next ?? "-", $0.lastFire ?? "-"]
            }))
        }
        for message in damage { FileHandle.standardError.write(Data("signalroom: error: \(message)\n".utf8)) }
        if !damage.isEmpty { throw ExitCode(ExitStatus.stateDamaged.rawValue) }
    }
}

struct ScheduleDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "A schedule: last fire, open runs, next fires, recent results.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String

    func run() async throws {
        let settings = try global.settings()
        let item = try settings.registeredSchedule(id).item
        let view = ScheduleView(spec: item.spec, after: Date(), count: 5)
        let store = try settings.store()
        // The state's list is as of the last `run-due`; the histories say which are still open.
        let open = item.state.openRuns.compactMap { id in runStatus(store, id).flatMap { $0.closed ? nil : (id, $0.text) } }
        let recent = item.state.recent.reversed().map { action in
            [Output.time(action.at), action.kind.rawValue, ScheduleTime.iso(action.fireTime), action.workflowId ?? "-",
             action.workflowId.flatMap { runStatus(store, $0)?.text } ?? "-"]
        }
        if settings.json {
            struct Description: Encodable {
                var schedule: ScheduleView; var paused: Bool; var note: String?; var openRuns: [String]
                var buffered: [String]; var lastFire: String?; var recent: [[String]]
            }
            return try Output.json(Description(schedule: view, paused: item.paused, note: item.note, openRuns: open.map(\.0),
                                               buffered: item.state.buffered.map(ScheduleTime.iso),
                                               lastFire: item.state.lastFire.map { ScheduleTime.iso($0.fireTime) }, recent: recent))
        }
        print(view.text)
        print("state      \(item.paused ? "paused" : "active")\(item.note.map { " — \($0)" } ?? "")")
        print("last fire  \(item.state.lastFire.map { "\(ScheduleTime.iso($0.fireTime)) → \($0.workflowId ?? "-")" } ?? "never")")
        print("open runs  \(open.isEmpty ? "none" : open.map { "\($0.0) (\($0.1))" }.joined(separator: ", "))")
        if !item.state.buffered.isEmpty { print("buffered   \(item.state.buffered.map(ScheduleTime.iso).joined(separator: ", "))") }
        if !recent.isEmpty {
            print("recent:")
            print(Output.table(["AT", "ACTION", "FIRE TIME", "WORKFLOW ID", "RESULT"], recent))
        }
    }
}

/// The current status of a scheduled run, from its history (nil once pruned or never written).
private func runStatus(_ store: FileHistoryStore, _ workflowId: String) -> (text: String, closed: Bool)? {
    guard let run = try? store.currentRun(of: workflowId) else { return nil }
    // A damaged history is still open: it holds its id until it is restored or terminated.
    guard let events = try? store.history(of: run), let summary = RunSummary(events: events) else { return ("history damaged", false) }
    if summary.status.isClosed { return (summary.status.rawValue, true) }
    return (summary.wakeUpTime.map { "parked until \(ScheduleTime.iso($0))" } ?? "running", false)
}

struct ScheduleNext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Next fire times (UTC ISO 8601, one per line) of a schedule, or of --cron/--timezone.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id (or give --cron).") var id: String?
    @Option(help: "A cron expression to evaluate instead of a registered schedule.") var cron: String?
    @Option(help: "IANA time zone for --cron.") var timezone: String = "UTC"
    @Option(help: "Start after this instant (ISO 8601; default now).") var after: String?
    @Option(help: "How many fire times.") var count: Int = 5

    func validate() throws {
        if (id == nil) == (cron == nil) { throw ValidationError("give a schedule id or --cron, not both or neither") }
        if count < 1 || count > 100_000 { throw ValidationError("--count must be 1 to 100000") }
    }

    func run() async throws {
        let settings = try global.settings()
        let start = try OptionValues.instant(after, option: "--after")
        let expression: CronExpression
        let zone: TimeZone
        if let cron {
            do { expression = try CronExpression(parsing: cron) } catch { throw CommandFailure("\(error)", code: .usage) }
            guard let named = TimeZone(identifier: timezone) else {
                throw CommandFailure("--timezone \"\(timezone)\" is not an IANA time zone (e.g. America/New_York)", code: .usage)
            }
            zone = named
        } else {
            let item = try settings.registeredSchedule(id!).item
            expression = item.spec.cron
            zone = item.spec.timeZone
        }
        let times = expression.fireTimes(after: start, in: zone, count: count).map(ScheduleTime.iso)
        if settings.json { return try Output.json(times) }
        print(times.joined(separator: "\n"))
    }
}

struct SchedulePause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a schedule (its fire times pass without runs).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Why, shown by list and describe.") var note: String?

    func run() async throws {
        try await updateSchedule(id, try global.settings()) { state in
            state.pausedOverride = true
            if let note { state.noteOverride = note }
        }
        print("paused \(id)")
    }
}

struct ScheduleUnpause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpause", abstract: "Resume a paused schedule from now on (missed times are not replayed).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String

    func run() async throws {
        try await updateSchedule(id, try global.settings()) { state in
            state.pausedOverride = false
            state.noteOverride = nil
            state.handledThrough = max(state.handledThrough, Date())
        }
        print("unpaused \(id)")
    }
}

struct ScheduleTrigger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trigger", abstract: "Start the schedule's workflow now, as if a fire time came now.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String

    func run() async throws {
        let settings = try global.settings()
        let (scheduler, item) = try settings.registeredSchedule(id)
        let fireTime = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        guard let claimed = try scheduler.start(item.spec, fireTime: fireTime) else {
            throw CommandFailure("a run for \(ScheduleTime.iso(fireTime)) already exists; try again in a second", code: .conflict)
        }
        try await scheduler.update(id) { state in
            state.remember(.init(kind: .triggered, fireTime: fireTime, workflowId: claimed.run.workflowId, at: Date()))
        }
        let outcome = try await scheduler.engine.execute(claimed)
        throw ExitCode(try OutcomeReport(run: claimed.run, outcome: outcome).emit(json: settings.json).rawValue)
    }
}

struct ScheduleBackfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Start a run for every fire time in [--from, --to] that has none yet, one after another.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "First instant (ISO 8601).") var from: String
    @Option(help: "Last instant (ISO 8601).") var to: String

    func run() async throws {
        let settings = try global.settings()
        let start = try OptionValues.instant(from, option: "--from"), end = try OptionValues.instant(to, option: "--to")
        guard start <= end else { throw CommandFailure("--from \(from) is after --to \(to)", code: .usage) }
        let (scheduler, item) = try settings.registeredSchedule(id)
        let times = item.spec.cron.fireTimes(from: start.addingTimeInterval(-0.001), through: end, in: item.spec.timeZone)
        var failed = 0
        for time in times {
            guard let claimed = try scheduler.start(item.spec, fireTime: time) else {
                print("\(item.spec.workflowId(for: time)): already exists")
                continue
            }
            let report = OutcomeReport(run: claimed.run, outcome: try await scheduler.engine.execute(claimed))
            if report.exitStatus == .workflowUnsuccessful { failed += 1 }
            print("\(claimed.run.workflowId): \(report.status)")
        }
        if failed > 0 { throw ExitCode(ExitStatus.workflowUnsuccessful.rawValue) }
    }
}

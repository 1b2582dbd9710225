import ArgumentParser
import Foundation
import Logging
import SignalRoomCore
import SignalRoomEngine
import SignalRoomRuntime
import SignalRoomScheduler
import SignalRoomWorkflows

struct RunDueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-due",
        abstract: "Fire due schedules and resume parked runs; meant for cron, every minute.",
        discussion: """
            Prints nothing when nothing happened, one line per started, resumed or finished run \
            otherwise (with --json: one JSON object per fired, resumed, skipped or buffered fire \
            time). Safe to run many times at once: each fire time starts exactly once. Exits 1 if \
            a run it fired or resumed failed, 6 if a schedule or run could not be handled (the \
            others still are; 6 wins over 1).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "Append stdout and stderr to this file (created 0600; past 10 MB it moves to FILE.1 first). The installed crontab line writes to <state>/logs/run-due.log.",
            valueName: "file"))
    var logFile: String?

    @Option(
        help: ArgumentHelp("Act as if it were this time (ISO 8601), for tests, demos and backfills.", valueName: "instant"),
        transform: { try OptionValues.instant($0, from: "--now") })
    var now: Date?

    @Option(
        help: ArgumentHelp("Stop starting new work after this long (the rest waits for the next run-due). (default: 50m)", valueName: "duration"),
        transform: { try OptionValues.duration($0, from: "--max-duration") })
    var maxDuration = OptionDuration(seconds: 50 * 60)

    @Option(
        help: ArgumentHelp("Delete closed runs older than this (\(EnvironmentVariable.retention.optionNote)).", valueName: "duration"),
        transform: { try OptionValues.duration($0, from: "--retention") })
    var retention: OptionDuration?

    func run() async throws {
        if let logFile { try OutputLog.appendOutput(to: logFile) }
        let started = Date()
        var summary: RunDue.Summary?
        var settings: Settings?
        do {
            try await pass(summary: &summary, settings: &settings)
        } catch {
            record(started: started, summary: summary, settings: settings, error: error)
            throw error
        }
        record(started: started, summary: summary, settings: settings, error: nil)
    }

    /// Every pass is recorded (`schedule passes`, `doctor`), whatever it ended with; one that
    /// could not even read its settings has no state to record into.
    private func record(started: Date, summary: RunDue.Summary?, settings: Settings?, error: Error?) {
        guard let settings else { return }
        let code: Int32
        var message: String?
        switch error {
        case nil: code = 0
        case let exit as ExitCode: code = exit.rawValue
        case let error?:
            let failure = CommandFailure(error)
            code = failure?.code.rawValue ?? ExitStatus.internalError.rawValue
            message = SecretRedactor(environment: Settings.environment()).redact(failure?.message ?? "\(error)")
        }
        let record = RunDuePassRecord(
            started: started, durationMilliseconds: Int(Date().timeIntervalSince(started) * 1000), asOf: now, summary: summary,
            exitCode: code, error: message)
        do {
            try settings.stores().passes.append(record)
        } catch {
            Logger(label: "signalroom.run-due").warning("could not record this run-due pass in the state: \(error)")
        }
    }

    private func pass(summary passSummary: inout RunDue.Summary?, settings passSettings: inout Settings?) async throws {
        var options = global
        if options.logLevel == nil, !options.verbose, !options.quiet, Settings.environment()[.logLevel] == nil {
            options.logLevel = try OptionValues.logLevel(CommandDefaults.runDueLogLevel, from: "run-due's default")
        }
        let settings = try options.settings()
        passSettings = settings
        let moment = now ?? Date()
        let budget = maxDuration.seconds
        let keep = try OptionValues.retention(retention, settings: settings).seconds
        let deadline = Date().addingTimeInterval(budget)
        let store = try settings.store()
        let scheduler = Scheduler(schedules: try settings.stores().schedules, engine: settings.engine(store: store))
        var printer = DueRunsPrinter(settings: settings, jsonLines: settings.json, resumedPrefix: "resumed ")
        let summary = try await RunDue(scheduler: scheduler, retention: keep, deadline: deadline).run(now: moment) { printer.show($0) }
        passSummary = summary
        // Damage needs an operator more than a failed run does (which alerts on its own).
        if summary.unhandled > 0 { throw ExitCode(ExitStatus.stateDamaged.rawValue) }
        if summary.failed > 0 { throw ExitCode(ExitStatus.workflowUnsuccessful.rawValue) }
    }
}

import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomScheduler

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

    @Option(help: ArgumentHelp("Act as if it were this time (ISO 8601), for tests, demos and backfills.", valueName: "instant"),
            transform: { try OptionValues.instant($0, from: "--now") })
    var now: Date?

    @Option(help: ArgumentHelp("Stop starting new work after this long (the rest waits for the next run-due). (default: 50m)", valueName: "duration"),
            transform: { try OptionValues.duration($0, from: "--max-duration") })
    var maxDuration = OptionDuration(seconds: 50 * 60)

    @Option(help: ArgumentHelp("Delete closed runs older than this (env SIGNALROOM_RETENTION, default 30d).", valueName: "duration"),
            transform: { try OptionValues.duration($0, from: "--retention") })
    var retention: OptionDuration?

    func run() async throws {
        // Quiet by default: cron mails whatever reaches stderr.
        var options = global
        if options.logLevel == nil, Settings.environment()["SIGNALROOM_LOG_LEVEL"] == nil { options.logLevel = .warning }
        let settings = try options.settings()
        let moment = now ?? Date()
        let budget = maxDuration.seconds
        let keep = try OptionValues.retention(retention, settings: settings).seconds
        let deadline = Date().addingTimeInterval(budget)
        let store = try settings.store()
        let engine = settings.engine(store: store)
        let scheduler = Scheduler(schedules: ScheduleStore(stateDirectory: settings.stateDirectory), engine: engine)
        let json = settings.json

        let pass = await scheduler.fireDue(now: moment)
        for problem in pass.problems {
            FileHandle.standardError.write(Data("signalroom: error: schedule \(problem.scheduleId): \(settings.redactor.redact(problem.message))\n".utf8))
        }
        var unhandled = pass.problems.count
        var failed = 0
        if json {
            for item in pass.passed {
                RunDueLine(action: item.kind.rawValue, schedule: item.scheduleId, fireTime: item.fireTime, status: item.kind.rawValue).emit()
            }
        } else {
            for item in pass.fired {
                print("started \(item.run.run.workflowId) (schedule \(item.scheduleId), fire time \(ScheduleTime.iso(item.fireTime)))")
            }
        }
        for item in pass.fired {
            var line = RunDueLine(action: "fired", schedule: item.scheduleId, fireTime: item.fireTime,
                                  workflowId: item.run.run.workflowId, runId: item.run.run.runId, status: "ready")
            defer { if json { line.emit() } }
            guard Date() < deadline else { continue } // left ready in the open index for the next run-due
            do {
                let report = OutcomeReport(run: item.run.run, outcome: try await engine.execute(item.run))
                line.status = report.status
                line.error = report.failure.map { settings.redactor.redact($0.rootCause.message) }
                if !json { print("\(item.run.run.workflowId): \(report.status)") }
                if let failure = report.failureLine(redactor: settings.redactor) {
                    failed += 1
                    FileHandle.standardError.write(Data(failure.utf8))
                }
            } catch {
                unhandled += 1
                let message = settings.redactor.redact(CommandFailure(error)?.message ?? "\(error)")
                (line.status, line.error) = ("error", message)
                FileHandle.standardError.write(Data("signalroom: error: \(item.run.run.workflowId): \(message)\n".utf8))
            }
        }
        let resumed = try await DueRuns.resume(store: store, engine: engine, settings: settings, deadline: deadline, prefix: "resumed ")
        if json { Self.emitResumed(resumed, store: store, redactor: settings.redactor) }
        unhandled += resumed.problems
        failed += resumed.failed
        _ = try? store.prune(closedBefore: Date().addingTimeInterval(-keep))
        // Damage needs an operator more than a failed run does (which alerts on its own).
        if unhandled > 0 { throw ExitCode(ExitStatus.stateDamaged.rawValue) }
        if failed > 0 { throw ExitCode(ExitStatus.workflowUnsuccessful.rawValue) }
    }

    /// JSON lines for resumed runs, with the schedule and fire time their history records.
    private static func emitResumed(_ resumed: DueRuns.Result, store: FileHistoryStore, redactor: SecretRedactor) {
        func attribution(_ run: RunReference) -> ScheduleAttribution? {
            guard case .workflowExecutionStarted(let started)? = (try? store.history(of: run))?.first?.attributes else { return nil }
            return started.schedule
        }
        for report in resumed.reports {
            let run = RunReference(workflowId: report.workflowId, runId: report.runId)
            let schedule = attribution(run)
            RunDueLine(action: "resumed", schedule: schedule?.scheduleId, fireTime: schedule?.fireTime, workflowId: report.workflowId,
                       runId: report.runId, status: report.status, error: report.failure.map { redactor.redact($0.rootCause.message) }).emit()
        }
        for (run, message) in resumed.unhandled {
            let schedule = attribution(run)
            RunDueLine(action: "resumed", schedule: schedule?.scheduleId, fireTime: schedule?.fireTime, workflowId: run.workflowId,
                       runId: run.runId, status: "error", error: message).emit()
        }
    }
}

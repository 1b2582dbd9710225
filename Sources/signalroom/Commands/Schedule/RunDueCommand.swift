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
            otherwise. Safe to run many times at once: each fire time starts exactly once. \
            Exits 6 if a schedule or run could not be handled (the others still are).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Act as if it were this time (ISO 8601), for tests, demos and backfills.")
    var now: String?

    @Option(help: "Stop starting new work after this long, e.g. 50m (the rest waits for the next run-due).")
    var maxDuration: String = "50m"

    @Option(help: "Delete closed runs older than this (env SIGNALROOM_RETENTION, default 30d).")
    var retention: String?

    func run() async throws {
        // Quiet by default: cron mails whatever reaches stderr.
        var options = global
        if options.logLevel == nil, Settings.environment()["SIGNALROOM_LOG_LEVEL"] == nil { options.logLevel = "warning" }
        let settings = try options.settings()
        let moment = try OptionValues.instant(now, option: "--now")
        let budget = try OptionValues.duration(maxDuration, option: "--max-duration")
        let keep = try OptionValues.retention(retention, settings: settings).seconds
        let deadline = Date().addingTimeInterval(budget)
        let store = try settings.store()
        let engine = settings.engine(store: store)
        let scheduler = Scheduler(schedules: ScheduleStore(stateDirectory: settings.stateDirectory), engine: engine)

        let (fired, problems) = await scheduler.fireDue(now: moment)
        for problem in problems {
            FileHandle.standardError.write(Data("signalroom: error: schedule \(problem.scheduleId): \(settings.redactor.redact(problem.message))\n".utf8))
        }
        var failures = problems.count
        for item in fired {
            print("started \(item.run.run.workflowId) (schedule \(item.scheduleId), fire time \(ScheduleTime.iso(item.fireTime)))")
        }
        for item in fired {
            guard Date() < deadline else { break } // left ready in the open index for the next run-due
            do {
                let outcome = try await engine.execute(item.run)
                print("\(item.run.run.workflowId): \(OutcomeReport(run: item.run.run, outcome: outcome).status)")
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("signalroom: error: \(item.run.run.workflowId): \(CommandFailure(error)?.message ?? "\(error)")\n".utf8))
            }
        }
        let resumed = await DueRuns.resume(store: store, engine: engine, settings: settings, deadline: deadline, prefix: "resumed ")
        failures += resumed.problems
        _ = try? store.prune(closedBefore: Date().addingTimeInterval(-keep))
        if failures > 0 { throw ExitCode(ExitStatus.stateDamaged.rawValue) }
    }
}

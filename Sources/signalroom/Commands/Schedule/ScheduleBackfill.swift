import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

struct ScheduleBackfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Start a run for every fire time in [--from, --to] that has none yet, one after another.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String
    @Option(help: ArgumentHelp("First instant (ISO 8601).", valueName: "instant"), transform: { try OptionValues.instant($0, from: "--from") })
    var from: Date
    @Option(help: ArgumentHelp("Last instant (ISO 8601).", valueName: "instant"), transform: { try OptionValues.instant($0, from: "--to") })
    var to: Date

    func validate() throws {
        if from > to { throw ValidationError("--from \(ScheduleTime.iso(from)) is after --to \(ScheduleTime.iso(to))") }
    }

    func run() async throws {
        let settings = try global.settings()
        let (start, end) = (from, to)
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

import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

struct ScheduleTrigger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger", abstract: "Start the schedule's workflow now, as if a fire time came now.")
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

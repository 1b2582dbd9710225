import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomScheduler

struct ScheduleRerun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun", abstract: "Run a fire time again whose run failed, was cancelled or terminated, with that fire time.",
        discussion: """
            A fire time runs once (creating its run is the claim), so a failed one is not run again by run-due \
            or backfill. This starts a new run of `<schedule>-<fire time>` from the start, with the same input \
            and fire time: a report reports on that day. `workflow retry` does the same reusing what completed.

            Examples:
              signalroom schedule rerun daily-report 2026-11-25T12:00:00Z
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id.") var id: String
    @Argument(
        help: ArgumentHelp("The fire time (ISO 8601), as in the run's id or `schedule describe`.", valueName: "fire-time"),
        transform: { try OptionValues.instant($0, from: "the fire time") })
    var fireTime: Date

    func run() async throws {
        let settings = try global.settings()
        let (scheduler, item) = try settings.registeredSchedule(id)
        let workflowId = item.spec.workflowId(for: fireTime)
        let store = try settings.store(create: false)
        let source: RunReference
        do {
            source = try store.currentRun(of: workflowId)
        } catch WorkflowStoreError.notFound {
            throw CommandFailure(
                "schedule \(id) has no run for \(ScheduleTime.iso(fireTime)) (\(workflowId)); `signalroom schedule backfill \(id) --from T --to T` starts runs for fire times that have none",
                code: .notFound)
        }
        try await RetriedRun(engine: scheduler.engine, source: source, reuse: false, detach: false, settings: settings).run()
    }
}

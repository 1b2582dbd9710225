import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Inspect and control registered schedules.",
        subcommands: [
            ScheduleList.self, ScheduleDescribe.self, ScheduleNext.self, SchedulePause.self,
            ScheduleUnpause.self, ScheduleTrigger.self, ScheduleBackfill.self, ScheduleRerun.self, SchedulePasses.self,
        ])
}

extension Settings {
    func scheduler() throws -> Scheduler {
        let store = try self.store()
        return Scheduler(schedules: try stores().schedules, engine: engine(store: store))
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

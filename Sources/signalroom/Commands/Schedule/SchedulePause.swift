import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

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
    static let configuration = CommandConfiguration(
        commandName: "unpause", abstract: "Resume a paused schedule from now on (missed times are not replayed).")
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

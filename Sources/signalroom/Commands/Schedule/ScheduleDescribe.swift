import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

struct ScheduleDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "A schedule: last fire, open runs, next fires, recent results.")
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
            [
                Output.time(action.at), action.kind.rawValue, ScheduleTime.iso(action.fireTime), action.workflowId ?? "-",
                action.workflowId.flatMap { runStatus(store, $0)?.text } ?? "-",
            ]
        }
        if settings.json {
            struct Description: Encodable {
                var schedule: ScheduleView; var paused: Bool; var note: String?; var openRuns: [String]
                var buffered: [String]; var lastFire: String?; var recent: [[String]]
            }
            return try Output.json(
                Description(
                    schedule: view, paused: item.paused, note: item.note, openRuns: open.map(\.0),
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
private func runStatus(_ store: any HistoryStore, _ workflowId: String) -> (text: String, closed: Bool)? {
    guard let run = try? store.currentRun(of: workflowId) else { return nil }
    // A damaged history is still open: it holds its id until it is restored or terminated.
    guard let events = try? store.history(of: run), let summary = RunSummary(events: events) else { return ("history damaged", false) }
    if summary.status.isClosed { return (summary.status.rawValue, true) }
    return (summary.wakeUpTime.map { "parked until \(ScheduleTime.iso($0))" } ?? "running", false)
}

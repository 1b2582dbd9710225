import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine

struct WorkflowShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A run's event history as a timeline (--json: the raw events; --format temporal: Temporal's History JSON).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
        /// Temporal's `History` in proto3 JSON, for people and tools that read Temporal's.
        case temporal
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow id.")
    var id: String

    @Option(help: "A specific run (default: the open or newest run).")
    var run: String?

    @Option(help: "text (default), json (our events, as --json) or temporal (Temporal's History JSON, as `temporal workflow show --output json`).")
    var format: Format?

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let reference = try resolveRun(store, workflowId: id, runId: run)
        let events = try store.history(of: reference)
        switch format ?? (settings.json ? .json : .text) {
        case .json: return try Output.json(events)
        case .temporal:
            FileHandle.standardOutput.write(try TemporalHistory.json(events).encoded() + Data("\n".utf8))
            return
        case .text: break
        }
        print("workflow \(reference.workflowId) run \(reference.runId), \(events.count) events")
        let start = events.first?.time ?? Date()
        for event in events {
            let offset = String(format: "+%.3fs", event.time.timeIntervalSince(start))
            print(
                "\(String(event.eventId).leftPad(4))  \(Output.time(event.time))  \(offset.leftPad(10))  \(event.eventType.padding(toLength: 33, withPad: " ", startingAt: 0)) \(Timeline.details(event))"
            )
        }
    }
}

/// `workflow show`'s line of detail per event: times as the CLI prints them, values cut at 120.
enum Timeline {
    static let summary = EventSummary(time: Output.time, duration: Output.duration, valueLimit: 120)

    static func details(_ event: HistoryEvent) -> String { summary.text(event) }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

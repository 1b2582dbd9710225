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

/// One readable line of detail per event type.
enum Timeline {
    static func details(_ event: HistoryEvent) -> String {
        switch event.attributes {
        case .workflowExecutionStarted(let a): "\(a.workflowType) input=\(a.input.compactText) by \(a.identity)"
        case .workflowExecutionCompleted(let a): "result=\(short(a.result.compactText))"
        case .workflowExecutionFailed(let a): "\(a.failure.type): \(a.failure.message)"
        case .workflowExecutionCancelRequested(let a): "by \(a.identity)\(a.reason.map { ": \($0)" } ?? "")"
        case .workflowExecutionCanceled: ""
        case .workflowExecutionTerminated(let a): "\(a.reason) (by \(a.identity))"
        case .activityTaskScheduled(let a):
            "\(a.activityType) input=\(short(a.input.compactText)) start-to-close=\(Output.duration(a.options.startToCloseTimeout.seconds)) max-attempts=\(a.options.retryPolicy.maximumAttempts)"
        case .activityTaskStarted(let a): "activity \(a.scheduledEventId) attempt \(a.attempt) by \(a.identity)"
        case .activityTaskHeartbeatRecorded(let a): "activity \(a.scheduledEventId) attempt \(a.attempt) details=\(short(a.details.compactText))"
        case .activityTaskCompleted(let a): "activity \(a.scheduledEventId) attempt \(a.attempt) result=\(short(a.result.compactText))"
        case .activityTaskFailed(let a):
            "activity \(a.scheduledEventId) attempt \(a.attempt) \(a.failure.type): \(a.failure.message); \(retry(a.retryState, a.nextAttemptTime))"
        case .activityTaskTimedOut(let a):
            "activity \(a.scheduledEventId) attempt \(a.attempt) \(a.timeoutType.rawValue); \(retry(a.retryState, a.nextAttemptTime))"
        case .activityTaskCancelRequested(let a): "activity \(a.scheduledEventId)"
        case .activityTaskCanceled(let a): "activity \(a.scheduledEventId) attempt \(a.attempt)"
        case .timerStarted(let a): "\(Output.duration(a.durationSeconds)), fires at \(Output.time(a.fireTime))"
        case .timerFired(let a): "timer \(a.startedEventId)"
        case .timerCanceled(let a): "timer \(a.startedEventId)"
        }
    }

    private static func retry(_ state: RetryState, _ next: Date?) -> String {
        next.map { "next attempt at \(Output.time($0))" } ?? "no retry (\(state.rawValue))"
    }

    private static func short(_ text: String) -> String {
        text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine

struct WorkflowDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Status of a run: pending activity and attempt, last failure, next wake-up.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow id.")
    var id: String

    @Option(help: "A specific run (default: the open or newest run).")
    var run: String?

    struct Description: Encodable {
        var workflowId: String
        var runId: String
        var workflowType: String
        var status: String
        var owned: Bool
        var startTime: Date
        var closeTime: Date?
        var wakeUpTime: Date?
        var pendingActivity: PendingActivity?
        var lastFailure: Failure?
        var cancelRequested: Bool
        var result: JSONValue?
        var eventCount: Int
        var historyPath: String
    }

    struct PendingActivity: Encodable {
        var activityId: Int
        var activityType: String
        var attempt: Int
        var nextAttemptTime: Date?
        var lastHeartbeatDetails: JSONValue?
    }

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let reference = try resolveRun(store, workflowId: id, runId: run)
        guard let summary = RunSummary(events: try store.history(of: reference)) else {
            throw CommandFailure("history of \(reference) is empty", code: .stateDamaged)
        }
        let owned = !summary.status.isClosed && store.isClaimed(reference)
        let status =
            summary.status.isClosed
            ? summary.status.rawValue
            : owned ? "running" : summary.wakeUpTime.map { $0 > Date() ? "parked" : "ready" } ?? "ready"
        let description = Description(
            workflowId: summary.workflowId, runId: summary.runId, workflowType: summary.workflowType, status: status,
            owned: owned, startTime: summary.startTime, closeTime: summary.closeTime, wakeUpTime: summary.wakeUpTime,
            pendingActivity: summary.pendingActivity.map {
                PendingActivity(
                    activityId: $0.scheduledEventId, activityType: $0.activityType, attempt: $0.attempt,
                    nextAttemptTime: $0.nextAttemptTime, lastHeartbeatDetails: $0.lastHeartbeatDetails)
            },
            lastFailure: summary.failure ?? summary.lastActivityFailure, cancelRequested: summary.cancelRequested,
            result: summary.result, eventCount: summary.eventCount, historyPath: store.historyPlace(of: reference))
        if settings.json { return try Output.json(description) }
        var lines = [
            "workflow   \(description.workflowId)",
            "run        \(description.runId)",
            "type       \(description.workflowType)",
            "status     \(status)\(description.cancelRequested && !summary.status.isClosed ? " (cancel requested)" : "")",
            "started    \(Output.time(description.startTime))",
        ]
        if let close = description.closeTime {
            lines.append("closed     \(Output.time(close)) (took \(Output.duration(close.timeIntervalSince(description.startTime))))")
        }
        if let pending = description.pendingActivity {
            var line = "activity   \(pending.activityType) (id \(pending.activityId)), attempt \(pending.attempt)"
            if let next = pending.nextAttemptTime { line += ", next attempt at \(Output.time(next))" }
            lines.append(line)
            if let details = pending.lastHeartbeatDetails { lines.append("heartbeat  \(details.compactText)") }
        }
        if let wake = description.wakeUpTime, !summary.status.isClosed { lines.append("wake-up    \(Output.time(wake))") }
        if let failure = description.lastFailure {
            let label = summary.status == .completed ? "recovered " : "failure   "
            lines.append("\(label) \(failure.type): \(failure.message)")
            if let root = failure.cause { lines.append("cause      \(root.rootCause.type): \(root.rootCause.message)") }
        }
        if let result = description.result { lines.append("result     \(result.compactText)") }
        lines.append("events     \(description.eventCount) in \(description.historyPath)")
        print(lines.joined(separator: "\n"))
    }
}

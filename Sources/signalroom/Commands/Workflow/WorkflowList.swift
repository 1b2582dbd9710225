import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomWorkflows

struct WorkflowList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List runs, newest first, from the indexes (no history is read).")

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "Only runs with this status: \(WorkflowStatusFilter.names.joined(separator: ", ")) (open = running, parked or ready).",
            valueName: "status"),
        transform: { try WorkflowStatusFilter.parse($0, from: "--status") })
    var status: WorkflowStatusFilter?

    @Option(
        help: ArgumentHelp("Only runs of this workflow type: \(Self.workflowTypes.joined(separator: ", ")).", valueName: "type"),
        transform: { try OptionValues.choice($0, from: "--workflow-type", is: "a workflow type", allowed: Self.workflowTypes) })
    var workflowType: String?

    @Option(help: "At most this many runs.")
    var limit: Int?

    static var workflowTypes: [String] { BuiltinWorkflows.registry().workflowNames }

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    struct Row: Encodable {
        var workflowId: String
        var runId: String
        var workflowType: String
        var status: String
        var startTime: Date
        var closeTime: Date?
        var wakeUpTime: Date?
    }

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let now = Date()
        var rows: [Row] = []
        for entry in try store.openRuns() {
            // Held by a process: running; else waiting for its wake-up (parked) or due now,
            // e.g. after its process died (ready, for `workflow resume --due`).
            let status = store.isClaimed(entry.run) ? "running" : (entry.wakeUpTime.map { $0 > now } ?? false) ? "parked" : "ready"
            rows.append(
                Row(
                    workflowId: entry.workflowId, runId: entry.runId, workflowType: entry.workflowType,
                    status: status, startTime: entry.startTime, wakeUpTime: entry.wakeUpTime))
        }
        // With a limit, the newest closed runs that can make the list are enough.
        let closedStatuses = status.map { filter in
            Set(RunStatus.allCases.filter { $0.isClosed && filter.matches(status: $0.rawValue, isClosed: true) })
        }
        let closed =
            try limit.map { try store.newestClosedRuns(limit: $0, workflowType: workflowType, statuses: closedStatuses) } ?? store.closedRuns()
        for entry in closed {
            rows.append(
                Row(
                    workflowId: entry.workflowId, runId: entry.runId, workflowType: entry.workflowType,
                    status: entry.status.rawValue, startTime: entry.startTime, closeTime: entry.closeTime))
        }
        rows = rows.filter { row in
            if let workflowType, row.workflowType != workflowType { return false }
            return status?.matches(status: row.status, isClosed: row.closeTime != nil) ?? true
        }
        rows.sort { ($0.startTime, $0.runId) > ($1.startTime, $1.runId) }
        if let limit { rows = Array(rows.prefix(limit)) }
        if settings.json { return try Output.json(rows) }
        guard !rows.isEmpty else { return print("no runs") }
        print(
            Output.table(
                ["WORKFLOW ID", "TYPE", "STATUS", "STARTED", "CLOSED / WAKE-UP"],
                rows.map {
                    [$0.workflowId, $0.workflowType, $0.status, Output.time($0.startTime), Output.time($0.closeTime ?? $0.wakeUpTime)]
                }))
    }
}

import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomRuntime

struct WorkflowCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Ask a run to cancel; it is honoured at the run's next step (a running activity sees cancellation).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow id.")
    var id: String

    @Option(help: "Why, recorded in the history.")
    var reason: String?

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let result = try await settings.engine(store: store).cancel(workflowId: id, reason: reason)
        try ControlReport.emit(result, verb: "cancel", settings: settings)
    }
}

struct WorkflowTerminate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminate",
        abstract: "Close a run at once; its workflow code runs no further.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow id.")
    var id: String

    @Option(help: "Why, recorded in the history.")
    var reason: String

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        var result = try await settings.engine(store: store).terminate(workflowId: id, reason: reason)
        if case .requested(let run) = result {
            // The owner applies it within a poll interval; wait briefly so the common case
            // reports the closed run.
            for _ in 0..<50 {
                if let summary = RunSummary(events: try store.history(of: run)), summary.status.isClosed {
                    result = .applied(run, WorkflowEngine.outcome(of: summary))
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try ControlReport.emit(result, verb: "terminate", settings: settings)
    }
}

enum ControlReport {
    static func emit(_ result: WorkflowEngine.ControlResult, verb: String, settings: Settings) throws {
        switch result {
        case .applied(let run, let outcome):
            let report = OutcomeReport(run: run, outcome: outcome)
            if settings.json { return try Output.json(report) }
            print("workflow \(run.workflowId) (run \(run.runId)): \(report.status)")
        case .requested(let run):
            if settings.json { return try Output.json(["workflowId": run.workflowId, "runId": run.runId, "status": "\(verb) requested"]) }
            print("workflow \(run.workflowId) (run \(run.runId)): \(verb) requested; the process running it applies it at its next step")
        }
    }
}

struct WorkflowPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete closed runs older than the retention period.")

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp("Keep closed runs this long: e.g. 30d, 12h, 90m (\(EnvironmentVariable.retention.optionNote)).", valueName: "duration"),
        transform: { try OptionValues.duration($0, from: "--retention") })
    var retention: OptionDuration?

    func run() async throws {
        let settings = try global.settings()
        let keep = try OptionValues.retention(retention, settings: settings)
        let store = try settings.store(create: false)
        let pruned = try store.prune(closedBefore: Date().addingTimeInterval(-keep.seconds))
        if settings.json { return try Output.json(["pruned": pruned]) }
        print("pruned \(pruned) closed run\(pruned == 1 ? "" : "s") older than \(keep)")
    }
}

struct WorkflowReindex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the open- and closed-run indexes from the histories.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let damaged = try store.rebuildIndex()
        let open = try store.openRuns().count
        let closed = try store.closedRuns().count
        if settings.json {
            try Output.json(IndexReport(open: open, closed: closed, damaged: damaged.map(\.description)))
        } else {
            print("index rebuilt: \(open) open, \(closed) closed runs" + (damaged.isEmpty ? "" : ", \(damaged.count) damaged"))
        }
        guard damaged.isEmpty else {
            // Each damaged history by name; the command fails so that a script notices.
            for damage in damaged.dropLast() { FileHandle.standardError.write(Data("signalroom: error: \(damage.description)\n".utf8)) }
            throw CommandFailure(damaged[damaged.count - 1].description, code: .stateDamaged)
        }
    }

    private struct IndexReport: Encodable {
        var open: Int
        var closed: Int
        var damaged: [String]
    }
}

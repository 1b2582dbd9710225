import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomScheduler

struct WorkflowResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Carry on a run that was parked or whose process died.",
        discussion: "With --due, resumes every open run whose wake-up time has come and that no process is working on.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow id.")
    var id: String?

    @Option(help: "A specific run of the id (default: its open run).")
    var run: String?

    @Flag(help: "Resume every due run instead of one id.")
    var due = false

    func validate() throws {
        if due == (id != nil) { throw ValidationError("give a workflow id or --due, not both or neither") }
    }

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store()
        let engine = settings.engine(store: store)
        if due {
            try await resumeDue(store: store, engine: engine, settings: settings)
            return
        }
        let reference = try resolveRun(store, workflowId: id!, runId: run)
        let outcome = try await engine.execute(try claimPatiently(reference, engine: engine))
        throw ExitCode(try OutcomeReport(run: reference, outcome: outcome).emit(json: settings.json).rawValue)
    }

    /// A lock probe (`workflow list`, `describe`) holds the run for an instant; a detached
    /// start's background process must not give up because of one, so it retries briefly.
    private func claimPatiently(_ run: RunReference, engine: WorkflowEngine) async throws -> WorkflowEngine.ClaimedRun {
        for _ in 0..<10 {
            do {
                return try engine.claim(run)
            } catch WorkflowStoreError.runLocked {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return try engine.claim(run)
    }

    private func resumeDue(store: any HistoryStore, engine: WorkflowEngine, settings: Settings) async throws {
        var printer = DueRunsPrinter(settings: settings, jsonLines: false)
        let summary = try await RunDue.resumeParked(engine: engine, deadline: .distantFuture) { printer.show($0) }
        if settings.json { try Output.json(printer.reports) }
        // As run-due: 6 when a run could not be handled wins over 1 when one failed.
        if summary.unhandled > 0 { throw ExitCode(ExitStatus.stateDamaged.rawValue) }
        if summary.failed > 0 { throw ExitCode(ExitStatus.workflowUnsuccessful.rawValue) }
    }
}

import ArgumentParser
import Foundation
import SignalRoomEngine

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
        let outcome = try await engine.execute(try engine.claim(reference))
        throw ExitCode(try OutcomeReport(run: reference, outcome: outcome).emit(json: settings.json).rawValue)
    }

    /// Resumes due runs one after another; prints one line per run it touched and nothing
    /// when nothing was due.
    private func resumeDue(store: FileHistoryStore, engine: WorkflowEngine, settings: Settings) async throws {
        let now = Date()
        var reports: [OutcomeReport] = []
        for entry in try store.openRuns() where (entry.wakeUpTime ?? .distantPast) <= now {
            let claimed: WorkflowEngine.ClaimedRun
            do {
                claimed = try engine.claim(entry.run)
            } catch WorkflowStoreError.runLocked {
                continue
            }
            do {
                let report = OutcomeReport(run: entry.run, outcome: try await engine.execute(claimed))
                reports.append(report)
                if !settings.json { print("\(entry.workflowId) (run \(entry.runId)): \(report.status)") }
            } catch let error as HistoryDamagedError {
                FileHandle.standardError.write(Data("signalroom: error: \(error)\n".utf8))
            }
        }
        if settings.json { try Output.json(reports) }
    }
}

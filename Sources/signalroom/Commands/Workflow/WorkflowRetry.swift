import ArgumentParser
import Foundation
import SignalRoomEngine

struct WorkflowRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Start a new run of a failed, cancelled or terminated run, reusing the results of the activities it completed.",
        discussion: """
            The new run has the same id, type and input (and schedule fire time); its history names the run it \
            retries. It replays the old run up to the last point where nothing was in flight, so completed \
            activities return their recorded results without running, and runs live from the step that failed. \
            --from-start reuses nothing. Exits like `workflow start`; 3 when the run is open or completed.

            Examples:
              signalroom workflow retry sync-everflow
              signalroom workflow retry daily-report-2026-11-25T12:00:00Z --from-start
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The workflow id.")
    var workflowId: String

    @Option(help: "The run to retry (default: the id's newest run).")
    var run: String?

    @Flag(help: "Run every step again: reuse no recorded result.")
    var fromStart = false

    @Flag(help: "Hand the new run to a background process and return.")
    var detach = false

    func run() async throws {
        let settings = try global.settings()
        let store = try settings.store(create: false)
        let engine = settings.engine(store: store)
        let source = try resolveRun(store, workflowId: workflowId, runId: run)
        try await RetriedRun(engine: engine, source: source, reuse: !fromStart, detach: detach, settings: settings).run()
    }
}

/// Starting a retry and carrying it on, shared by `workflow retry` and `schedule rerun`.
struct RetriedRun {
    let engine: WorkflowEngine
    let source: RunReference
    let reuse: Bool
    let detach: Bool
    let settings: Settings

    func run() async throws {
        let retry: WorkflowEngine.Retry
        do {
            retry = try engine.retry(source, reuseCompletedActivities: reuse)
        } catch let error as RetryError {
            throw CommandFailure(error.description, code: .conflict)
        }
        let run = retry.claimed.run
        let reused = reuse ? "reusing \(retry.reusedActivities) completed activit\(retry.reusedActivities == 1 ? "y" : "ies")" : "from the start"
        FileHandle.standardError.write(Data("retrying run \(source.runId) of \(run.workflowId) as run \(run.runId), \(reused)\n".utf8))
        if detach {
            retry.claimed.lease.release()
            try BackgroundResume.spawnResume(run, settings: settings)
            if settings.json {
                try Output.json(["workflowId": run.workflowId, "runId": run.runId, "status": "started", "retriedFrom": source.runId])
            } else {
                print("started run \(run.runId) of \(run.workflowId) in the background; `signalroom workflow describe \(run.workflowId)` follows it")
            }
            return
        }
        let outcome = try await engine.execute(retry.claimed)
        throw ExitCode(try OutcomeReport(run: run, outcome: outcome).emit(json: settings.json).rawValue)
    }
}

import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomRuntime
import SignalRoomWorkflows

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Load sources into the warehouse and wait for the result.",
        discussion: """
            One source runs SyncSourceWorkflow, several run ScheduledSyncWorkflow (one after another; \
            a failing source does not stop the others). The warehouse is PostgreSQL when DATABASE_URL \
            is set, SQLite files under <state>/warehouse otherwise. A sync whose process died is \
            resumed by running the same command again (or by run-due): loads carry on from their \
            last committed chunk. Exits 0 when every source loaded, 1 when one failed, 2 for a usage \
            or configuration error, 3 when the same sync is running in another process.

            Examples:
              signalroom sync files                                   # the export directory in FILES_SOURCE_DIR
              signalroom sync everflow redtrack --json                # both, the result as JSON for CI
              signalroom sync everflow --start-date 2026-11-01 --end-date 2026-11-30   # a backfill
              signalroom sync s3 --dry-run                            # what it would read
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Sources to sync (`signalroom sources` lists them).")
    var sources: [String] = []

    @Option(
        help: ArgumentHelp("Only these resources (comma-separated); one source only.", valueName: "a,b"),
        transform: { try OptionValues.names($0, from: "--resources") })
    var resources: [String]?

    @Option(
        help: ArgumentHelp("Read from this date instead of the cursor (YYYY-MM-DD); one source only.", valueName: "date"),
        transform: { try OptionValues.date($0, from: "--start-date") })
    var startDate: CivilDate?

    @Option(
        help: ArgumentHelp("Read up to this date (YYYY-MM-DD); one source only.", valueName: "date"),
        transform: { try OptionValues.date($0, from: "--end-date") })
    var endDate: CivilDate?

    @Flag(help: "Ignore the incremental cursors and read everything again (rows merge; nothing duplicates).")
    var fullRefresh = false

    @Option(help: "Workflow id (default: sync-<sources>). One open run per id.")
    var id: String?

    @Flag(help: "Return once the run is recorded; a background process runs it.")
    var detach = false

    @Flag(help: "Send a notification when the sync succeeds.")
    var notifyOnSuccess = false

    @Flag(name: .customLong("no-notify-on-failure"), help: "Do not send a notification when the sync fails.")
    var noNotifyOnFailure = false

    @Flag(help: "Show what would be read (resources, cursors, files) without loading anything.")
    var dryRun = false

    func validate() throws {
        if sources.isEmpty { throw ValidationError("name at least one source; `signalroom sources` lists them") }
        if Set(sources).count != sources.count { throw ValidationError("a source is named twice") }
        if sources.count > 1, resources != nil || startDate != nil || endDate != nil {
            throw ValidationError("--resources, --start-date and --end-date apply to one source at a time")
        }
        if let startDate, let endDate, startDate > endDate { throw ValidationError("--end-date \(endDate) is before --start-date \(startDate)") }
        if let id {
            do { try WorkflowId.validate(id) } catch { throw ValidationError("--id: \(error)") }
        }
    }

    var request: SyncRequest {
        var request = SyncRequest(sources: sources)
        request.resources = resources
        request.startDate = startDate
        request.endDate = endDate
        request.fullRefresh = fullRefresh
        request.notifyOnSuccess = notifyOnSuccess
        request.notifyOnFailure = !noNotifyOnFailure
        request.id = id
        return request
    }

    func run() async throws {
        var settings = try global.settings()
        // A sync waits out retry back-offs in the foreground unless told to park.
        if global.parkAfter == nil, settings.environment[.parkAfter] == nil { settings.parkAfter = .seconds(CommandDefaults.syncParkAfterSeconds) }
        let progress = SyncProgressLine.forStandardError(enabled: !settings.json && !settings.quiet)
        let services = settings.pipelineServices(progress: { progress?.update($0) })
        let request = self.request
        // Configuration errors and an unreachable warehouse fail here, before a run exists.
        let configured: [any Source]
        do {
            configured = try await SyncOperation.configuredSources(request, services: services)
        } catch let unknown as PipelineError {
            // A misspelt --resources name is the caller's mistake, found before anything runs.
            throw CommandFailure("--resources: \(unknown.description)", code: .usage)
        }
        if dryRun {
            try SyncDryRun.print(try await SyncOperation.plan(request, sources: configured, services: services), json: settings.json)
            return
        }
        let warehouse = try await SyncOperation.checkWarehouse(services, datasets: configured.map(\.dataset))
        let store = try settings.store()
        let engine = settings.engine(store: store, services: SyncOperation.services(services, reusing: configured, destination: warehouse))
        let started: SyncOperation.Started
        do {
            started = try SyncOperation.start(request, engine: engine)
        } catch let conflict as SyncOptionsConflict {
            throw CommandFailure(conflict.description, code: .conflict)
        }
        let claimed = started.claimed
        let run = claimed.run
        if let failed = started.resumedFailedLoads {
            standardError("signalroom: resuming the loads staged by failed run \(failed.run.runId) (\(failed.resources.joined(separator: ", ")))")
        }
        if let options = started.resumedUnfinished {
            standardError("signalroom: resuming unfinished run \(run.runId) of \(run.workflowId) (\(options))")
        }
        if detach {
            claimed.lease.release()
            try BackgroundResume.spawnResume(run, settings: settings)
            if settings.json {
                try Output.json(["workflowId": run.workflowId, "runId": run.runId, "status": "started"])
            } else {
                print(
                    "started \(started.workflowType) \(run.workflowId) (run \(run.runId)) in the background; `signalroom workflow describe \(run.workflowId)` follows it"
                )
            }
            return
        }
        let outcome = try await engine.execute(claimed)
        progress?.finish()
        let report = OutcomeReport(run: run, outcome: outcome)
        if !settings.json, case .completed(let result) = outcome {
            print(SyncSummary.text(result, workflowId: run.workflowId, runId: run.runId))
            throw ExitCode(report.exitStatus.rawValue)
        }
        throw ExitCode(try report.emit(json: settings.json).rawValue)
    }

    private func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
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
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Sources to sync (`signalroom sources` lists them).")
    var sources: [String] = []

    @Option(help: ArgumentHelp("Only these resources (comma-separated); one source only.", valueName: "a,b"))
    var resources: String?

    @Option(help: ArgumentHelp("Read from this date instead of the cursor (YYYY-MM-DD); one source only.", valueName: "date"),
            transform: { try OptionValues.date($0, from: "--start-date") })
    var startDate: CivilDate?

    @Option(help: ArgumentHelp("Read up to this date (YYYY-MM-DD); one source only.", valueName: "date"),
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

    var resourceList: [String]? {
        resources.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func run() async throws {
        var settings = try global.settings()
        // A sync waits out retry back-offs in the foreground unless told to park.
        if global.parkAfter == nil, settings.environment[.parkAfter] == nil { settings.parkAfter = .seconds(3600) }
        let progress = SyncProgressLine.forStandardError(enabled: !settings.json)
        let services = settings.pipelineServices(progress: { progress?.update($0) })
        // Configuration errors and an unreachable warehouse fail here, before a run exists.
        let configured = try sources.map { try services.sources.source(named: $0) }
        // Listing resources finds a missing export directory or an unknown resource now.
        for source in configured {
            do {
                _ = try await RunPipelineActivity.select(sources.count == 1 ? resourceList : nil, from: source)
            } catch let unknown as PipelineError {
                // A misspelt --resources name is the caller's mistake, found before anything runs.
                throw CommandFailure("--resources: \(unknown.description)", code: .usage)
            }
        }
        if dryRun {
            try await SyncDryRun(sources: configured, resources: resourceList, startDate: startDate?.description, endDate: endDate?.description,
                                 fullRefresh: fullRefresh, services: services, json: settings.json).print()
            return
        }
        try await checkWarehouse(services, datasets: configured.map(\.dataset))
        var (type, input) = try workflowInput()
        let store = try settings.store()
        let workflowId = id ?? "sync-" + sources.joined(separator: "-")
        if type == SyncSourceWorkflow.name, let earlier = SyncOptions.loadsToResume(workflowId: workflowId, input: input, store: store),
           case .object(var fields) = input {
            fields["resumeLoads"] = try JSONValue(encoding: earlier.loads)
            input = .object(fields)
            FileHandle.standardError.write(Data("signalroom: resuming the loads staged by failed run \(earlier.run.runId) (\(earlier.loads.keys.sorted().joined(separator: ", ")))\n".utf8))
        }
        let engine = settings.engine(store: store, services: services)
        let claimed: WorkflowEngine.ClaimedRun
        do {
            claimed = try engine.start(workflowType: type, workflowId: workflowId, input: input)
        } catch WorkflowStoreError.alreadyRunning(let openId, let runId) {
            // The same sync died part-way (or parked): carry on with it rather than refuse,
            // but only with the options it was started with.
            let open = RunReference(workflowId: openId, runId: runId)
            let recorded = try SyncOptions.recordedInput(of: open, store: store)
            if let recorded, !SyncOptions.sameLoad(recorded, input) {
                throw CommandFailure(
                    "\(openId) has an unfinished run \(runId) started with \(SyncOptions.describe(recorded)), not \(SyncOptions.describe(input)); "
                        + "run it again with those options to resume it, cancel it (`signalroom workflow cancel \(openId)`), "
                        + "or give these options their own run with --id", code: .conflict)
            }
            claimed = try engine.claim(open)
            FileHandle.standardError.write(Data("signalroom: resuming unfinished run \(runId) of \(openId) (\(SyncOptions.describe(recorded ?? input)))\n".utf8))
        }
        let run = claimed.run
        if detach {
            claimed.lease.release()
            try BackgroundResume.spawnResume(run, settings: settings)
            if settings.json {
                try Output.json(["workflowId": run.workflowId, "runId": run.runId, "status": "started"])
            } else {
                print("started \(type) \(run.workflowId) (run \(run.runId)) in the background; `signalroom workflow describe \(run.workflowId)` follows it")
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

    private func workflowInput() throws -> (String, JSONValue) {
        if sources.count == 1 {
            var input = SyncSourceWorkflow.Input(source: sources[0])
            input.resources = resourceList
            input.startDate = startDate?.description
            input.endDate = endDate?.description
            input.fullRefresh = fullRefresh
            input.notifyOnSuccess = notifyOnSuccess
            input.notifyOnFailure = !noNotifyOnFailure
            return (SyncSourceWorkflow.name, try JSONValue(encoding: input))
        }
        var input = ScheduledSyncWorkflow.Input(sources: sources)
        input.notifyOnFailure = !noNotifyOnFailure
        input.fullRefresh = fullRefresh
        return (ScheduledSyncWorkflow.name, try JSONValue(encoding: input))
    }

    /// Connects once so a wrong DATABASE_URL is a clear error now, not after retries.
    private func checkWarehouse(_ services: PipelineServices, datasets: [String]) async throws {
        let destination = try services.destination()
        for dataset in Set(datasets) {
            let connection = try await destination.open(dataset: dataset)
            await connection.close()
        }
    }
}

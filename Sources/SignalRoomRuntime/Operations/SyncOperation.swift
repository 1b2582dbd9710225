import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomWorkflows

/// What a person or a CI job asks of `signalroom sync`: which sources, and how.
public struct SyncRequest: Sendable, Equatable {
    public var sources: [String]
    /// Only these resources (one source only); nil: all.
    public var resources: [String]?
    public var startDate: CivilDate?
    public var endDate: CivilDate?
    public var fullRefresh = false
    public var notifyOnSuccess = false
    public var notifyOnFailure = true
    /// The run's workflow id; nil: `sync-<sources>`, so the same sync never runs twice at once.
    public var id: String?

    public init(sources: [String]) {
        self.sources = sources
    }

    public var workflowId: String { id ?? "sync-" + sources.joined(separator: "-") }

    /// One source runs `SyncSourceWorkflow`, several `ScheduledSyncWorkflow`.
    public func workflowInput() throws -> (type: String, input: JSONValue) {
        if sources.count == 1 {
            var input = SyncSourceWorkflow.Input(source: sources[0])
            input.resources = resources
            input.startDate = startDate?.description
            input.endDate = endDate?.description
            input.fullRefresh = fullRefresh
            input.notifyOnSuccess = notifyOnSuccess
            input.notifyOnFailure = notifyOnFailure
            return (SyncSourceWorkflow.name, try JSONValue(encoding: input))
        }
        var input = ScheduledSyncWorkflow.Input(sources: sources)
        input.notifyOnFailure = notifyOnFailure
        input.fullRefresh = fullRefresh
        return (ScheduledSyncWorkflow.name, try JSONValue(encoding: input))
    }
}

/// The id has an unfinished run started with other options: carrying it on would load what
/// the caller did not ask for, and starting beside it would break one open run per id.
public struct SyncOptionsConflict: Error, Sendable, CustomStringConvertible {
    public var run: RunReference
    public var recorded: String
    public var requested: String

    public var description: String {
        "\(run.workflowId) has an unfinished run \(run.runId) started with \(recorded), not \(requested); "
            + "run it again with those options to resume it, cancel it (`signalroom workflow cancel \(run.workflowId)`), "
            + "or give these options their own run with --id"
    }
}

/// Everything `signalroom sync` does before its run executes, so that it is reached by tests
/// in process: the checks that fail before a run exists, and start-or-resume.
public enum SyncOperation {
    /// Each source built from its configuration, with its resources listed: a missing
    /// variable, a missing export directory or an unknown `resources` name fails now.
    public static func configuredSources(_ request: SyncRequest, services: PipelineServices) async throws -> [any Source] {
        let sources = try request.sources.map { try services.sources.source(named: $0) }
        for source in sources {
            _ = try await source.resources(named: request.sources.count == 1 ? request.resources : nil)
        }
        return sources
    }

    /// Connects to each dataset once, so a wrong DATABASE_URL is a clear error now, not
    /// after the activity's retries. Returns the warehouse it checked.
    @discardableResult
    public static func checkWarehouse(_ services: PipelineServices, datasets: [String]) async throws -> any Destination {
        let destination = try services.destination()
        for dataset in Set(datasets) {
            try await destination.withDataset(dataset) { _ in }
        }
        return destination
    }

    /// The services for this process's activities, handing them the sources and the warehouse
    /// the checks built, so that a sync builds each once. Other names (a run resumed later,
    /// in another process) are built from the configuration as usual.
    public static func services(_ services: PipelineServices, reusing sources: [any Source], destination: any Destination) -> PipelineServices {
        var reusing = services
        reusing.sources = BuiltSources(
            built: Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }), others: services.sources)
        reusing.destination = { destination }
        return reusing
    }

    private struct BuiltSources: SourceProvider {
        let built: [String: any Source]
        let others: any SourceProvider

        func source(named name: String) throws -> any Source {
            try built[name] ?? others.source(named: name)
        }
    }

    /// What `sync --dry-run` shows for one resource: its table, cursor and what it would read.
    public struct ResourcePlan: Encodable, Sendable, Equatable {
        public var source: String
        public var resource: String
        public var table: String
        public var disposition: String
        public var cursor: String?
        public var wouldRead: [String]
    }

    /// Per resource of each source, what a sync would read from where it stands: reads the
    /// cursors from the warehouse (creating nothing), loads nothing and starts no run.
    public static func plan(_ request: SyncRequest, sources: [any Source], services: PipelineServices) async throws -> [ResourcePlan] {
        var plans: [ResourcePlan] = []
        for source in sources {
            let selected = try await source.resources(named: request.sources.count == 1 ? request.resources : nil)
            var cursors: [String: String] = [:]
            if !request.fullRefresh, let stored = try await services.destination().description(ofDataset: source.dataset, pipeline: source.name) {
                cursors = Dictionary(stored.cursors.map { ($0.resource, $0.value) }, uniquingKeysWith: { first, _ in first })
            }
            for resource in selected {
                let cursor = cursors[resource.name] ?? resource.incremental?.initialValue
                let extract = ExtractRequest(cursor: cursor, startDate: request.startDate?.description, endDate: request.endDate?.description)
                plans.append(
                    ResourcePlan(
                        source: source.name, resource: resource.name, table: "\(source.dataset).\(resource.table)",
                        disposition: resource.writeDisposition.name, cursor: cursor, wouldRead: try await resource.plan(extract)))
            }
        }
        return plans
    }

    /// A run claimed for the request, and what the caller should be told about it.
    public struct Started: Sendable {
        public var claimed: WorkflowEngine.ClaimedRun
        public var workflowType: String
        /// The id's unfinished run is carried on (its options, as `sync` spells them).
        public var resumedUnfinished: String?
        /// The loads a failed run of the same sync had staged, which this run resumes.
        public var resumedFailedLoads: (run: RunReference, resources: [String])?
    }

    /// Starts the request's run, or claims the id's unfinished run when it was started with
    /// the same options (throws `SyncOptionsConflict` when not); a new run carries on the
    /// loads a failed run of the same sync staged.
    public static func start(_ request: SyncRequest, engine: WorkflowEngine) throws -> Started {
        var (type, input) = try request.workflowInput()
        let workflowId = request.workflowId
        var failedLoads: (RunReference, [String])?
        if type == SyncSourceWorkflow.name, let earlier = SyncOptions.loadsToResume(workflowId: workflowId, input: input, store: engine.store),
            case .object(var fields) = input
        {
            fields["resumeLoads"] = try JSONValue(encoding: earlier.loads)
            input = .object(fields)
            failedLoads = (earlier.run, earlier.loads.keys.sorted())
        }
        do {
            let claimed = try engine.start(workflowType: type, workflowId: workflowId, input: input)
            return Started(claimed: claimed, workflowType: type, resumedUnfinished: nil, resumedFailedLoads: failedLoads)
        } catch WorkflowStoreError.alreadyRunning(let openId, let runId) {
            let open = RunReference(workflowId: openId, runId: runId)
            let recorded = try SyncOptions.recordedInput(of: open, store: engine.store)
            if let recorded, !SyncOptions.sameLoad(recorded, input) {
                throw SyncOptionsConflict(run: open, recorded: SyncOptions.describe(recorded), requested: SyncOptions.describe(input))
            }
            return Started(
                claimed: try engine.claim(open), workflowType: type,
                resumedUnfinished: SyncOptions.describe(recorded ?? input), resumedFailedLoads: nil)
        }
    }
}

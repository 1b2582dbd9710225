import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Extracts a source's resources and loads them into the warehouse, one resource after
/// another. Each resource's load id is kept in the heartbeat details, so an attempt after a
/// crash or a transient failure resumes that load from its last committed chunk.
public struct RunPipelineActivity: Activity {
    public static let name = "RunPipelineActivity"

    public struct Input: Codable, Sendable, Equatable {
        public var source: String
        /// Resource names to load; nil or empty loads all.
        public var resources: [String]?
        public var startDate: String?
        public var endDate: String?
        public var fullRefresh: Bool?
        /// Loads of an earlier failed run to resume (resource → load id), when this
        /// activity has no checkpoint of its own yet.
        public var resumeLoads: [String: String]?

        public init(
            source: String, resources: [String]? = nil, startDate: String? = nil, endDate: String? = nil, fullRefresh: Bool? = nil,
            resumeLoads: [String: String]? = nil
        ) {
            self.source = source
            self.resumeLoads = resumeLoads
            self.resources = resources
            self.startDate = startDate
            self.endDate = endDate
            self.fullRefresh = fullRefresh
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var source: String
        public var dataset: String
        public var destination: String
        public var tables: [ResourceLoadResult]
        /// Rows loaded over all tables.
        public var rows: Int
    }

    /// Heartbeat details: the load of each resource begun by this activity and the chunks
    /// its attempts have committed, recorded at every commit. A checkpoint that moves tells
    /// the engine the attempt made progress, so a killed attempt that committed chunks does
    /// not count towards giving the load up.
    struct Progress: Codable {
        var loads: [String: String] = [:]
        /// Chunks committed per resource over all attempts (absent in histories written
        /// before it was kept).
        var committedChunks: [String: Int]?
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        try await load(context: context, input: input)
    }

    private func load(context: ActivityContext, input: Input) async throws -> Output {
        let source = try services.sources.source(named: input.source)
        let resources = try await source.resources(named: input.resources)
        let destination = try services.destination()
        var progressState = context.lastHeartbeatDetails(as: Progress.self) ?? Progress(loads: input.resumeLoads ?? [:])
        let chunkRows = services.chunkRows
        let killAt = services.killAt
        let heartbeats = HeartbeatRecorder(context: context, state: progressState)
        let results = try await destination.withDataset(source.dataset) { connection in
            var results: [ResourceLoadResult] = []
            for resource in resources {
                let loader = ResourceLoader(
                    pipeline: source.name, connection: connection,
                    options: .init(
                        chunkRows: chunkRows, fullRefresh: input.fullRefresh ?? false,
                        startDate: input.startDate, endDate: input.endDate),
                    checkpoint: { loadId, resource, stage in
                        if stage == .begun { try await heartbeats.record(resource: resource, loadId: loadId) }
                        if case .staged = stage { try await heartbeats.committedChunk(of: resource) }
                        Self.killIfAsked(killAt, at: stage)
                    },
                    progress: services.progress)
                results.append(try await loader.load(resource, resumeLoadId: progressState.loads[resource.name]))
                progressState = await heartbeats.state
            }
            return results
        }
        return Output(
            source: source.name, dataset: source.dataset, destination: destination.location,
            tables: results, rows: results.reduce(0) { $0 + $1.rows })
    }

    private static func killIfAsked(_ killAt: String?, at stage: ResourceLoader.CheckpointStage) {
        guard let killAt else { return }
        let reached: Bool =
            switch stage {
            case .begun: killAt == "begun"
            case .staged(let chunk, _): killAt == "staged:\(chunk)"
            case .completed: killAt == "completed"
            }
        if reached { kill(getpid(), SIGKILL) }
    }
}

/// Keeps the heartbeat details (resource → load id) and records them durably.
actor HeartbeatRecorder {
    private let context: ActivityContext
    private(set) var state: RunPipelineActivity.Progress

    init(context: ActivityContext, state: RunPipelineActivity.Progress) {
        self.context = context
        self.state = state
    }

    func record(resource: String, loadId: String) async throws {
        guard state.loads[resource] != loadId else { return }
        state.loads[resource] = loadId
        try await context.heartbeat(state)
    }

    /// A chunk is committed (rows, or only the position after a file's end): the
    /// checkpoint moves.
    func committedChunk(of resource: String) async throws {
        state.committedChunks = (state.committedChunks ?? [:]).merging([resource: 1], uniquingKeysWith: +)
        try await context.heartbeat(state)
    }
}

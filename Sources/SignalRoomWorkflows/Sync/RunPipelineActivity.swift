import Foundation
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

        public init(source: String, resources: [String]? = nil, startDate: String? = nil, endDate: String? = nil, fullRefresh: Bool? = nil) {
            self.source = source
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

    /// Heartbeat details: the load of each resource begun by this activity.
    struct Progress: Codable {
        var loads: [String: String] = [:]
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        do {
            return try await load(context: context, input: input)
        } catch let error as RetryClassifiedError {
            throw ApplicationError(classified: error)
        }
    }

    private func load(context: ActivityContext, input: Input) async throws -> Output {
        let source = try services.sources.source(named: input.source)
        let resources = try await Self.select(input.resources, from: source)
        let destination = try services.destination()
        let connection = try await destination.open(dataset: source.dataset)
        var progressState = context.lastHeartbeatDetails(as: Progress.self) ?? Progress()
        let chunkRows = services.chunkRows
        let killAt = services.killAt
        let heartbeats = HeartbeatRecorder(context: context, state: progressState)
        var results: [ResourceLoadResult] = []
        do {
            for resource in resources {
                let loader = ResourceLoader(
                    pipeline: source.name, connection: connection,
                    options: .init(chunkRows: chunkRows, fullRefresh: input.fullRefresh ?? false,
                                   startDate: input.startDate, endDate: input.endDate),
                    checkpoint: { loadId, resource, stage in
                        if stage == .begun { try await heartbeats.record(resource: resource, loadId: loadId) }
                        Self.killIfAsked(killAt, at: stage)
                        if case .staged = stage { try await heartbeats.beat() }
                    },
                    progress: services.progress)
                results.append(try await loader.load(resource, resumeLoadId: progressState.loads[resource.name]))
                progressState = await heartbeats.state
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return Output(source: source.name, dataset: source.dataset, destination: destination.location,
                      tables: results, rows: results.reduce(0) { $0 + $1.rows })
    }

    public static func select(_ names: [String]?, from source: any Source) async throws -> [any Resource] {
        let all = try await source.resources()
        guard let names, !names.isEmpty else { return all }
        return try names.map { name in
            guard let resource = all.first(where: { $0.name == name }) else {
                throw PipelineError.unknownResource(source: source.name, name: name, known: all.map(\.name))
            }
            return resource
        }
    }

    private static func killIfAsked(_ killAt: String?, at stage: ResourceLoader.CheckpointStage) {
        guard let killAt else { return }
        let reached: Bool = switch stage {
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

    func beat() async throws {
        try await context.heartbeat()
    }
}

import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines

/// Records in the ledger that a sync gave up: every load of the source still `running` is
/// marked `failed_resumable` with the sync's error, at once rather than at the next sync.
/// Its staged rows stay for the same sync run again (`signalroom sync` resumes it); a sync
/// of the resource with other options drops them.
public struct SettleLoadsActivity: Activity {
    public static let name = "SettleLoadsActivity"

    public struct Input: Codable, Sendable, Equatable {
        public var source: String
        public var resources: [String]?
        public var error: String
    }

    public struct Output: Codable, Sendable, Equatable {
        /// The loads marked, by resource.
        public var loads: [String: String]
    }

    /// Once: a warehouse that cannot be reached now leaves the loads `running`, which the
    /// next sync treats the same way.
    static let options = ActivityOptions(startToCloseTimeout: .seconds(60), retryPolicy: RetryPolicy(maximumAttempts: 1))

    /// Runs the activity after the pipeline activity failed, unless it failed on bad data
    /// (not retryable): the loader has marked those loads `failed` and dropped their stage.
    static func settle(after failure: ActivityFailure, source: String, resources: [String]?, in context: WorkflowContext) async {
        guard failure.retryState != .nonRetryableFailure else { return }
        _ = try? await context.executeActivity(
            SettleLoadsActivity.self, options: options,
            input: .init(source: source, resources: resources, error: failure.failure.rootCause.message))
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        let source = try services.sources.source(named: input.source)
        let resources = try await source.resources(named: input.resources)
        return try await services.destination().withDataset(source.dataset) { connection in
            var marked: [String: String] = [:]
            for resource in resources {
                for load in try await connection.unfinishedLoads(pipeline: source.name, resource: resource.name)
                where load.status == .running {
                    try await connection.mark(load, status: .failedResumable, error: input.error)
                    marked[resource.name] = load.loadId
                }
            }
            return Output(loads: marked)
        }
    }
}

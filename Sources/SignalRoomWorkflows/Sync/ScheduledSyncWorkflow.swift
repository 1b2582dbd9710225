import SignalRoomEngine

/// Syncs several sources one after another, as the hourly schedule does. A source that
/// fails does not stop the others: each failure is notified, and the run fails at the end
/// naming every source that failed.
public struct ScheduledSyncWorkflow: Workflow {
    public static let name = "ScheduledSyncWorkflow"

    public init() {}

    public struct Input: Codable, Sendable, Equatable {
        public var sources: [String]
        public var notifyOnFailure = true
        public var fullRefresh = false

        public init(sources: [String]) {
            self.sources = sources
        }

        public init(from decoder: Decoder) throws {
            let input = try StrictInputContainer(decoder, fields: ["sources", "notifyOnFailure", "fullRefresh"])
            guard let sources: [String] = try input.optional("sources"), !sources.isEmpty else {
                throw input.fail("sources", "`sources` is required: a list of source names (e.g. [\"everflow\", \"redtrack\"])")
            }
            self.sources = sources
            notifyOnFailure = try input.value("notifyOnFailure", true)
            fullRefresh = try input.value("fullRefresh", false)
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var sources: [RunPipelineActivity.Output]
        public var rows: Int
    }

    public func run(context: WorkflowContext, input: Input) async throws -> Output {
        var results: [RunPipelineActivity.Output] = []
        var failures: [String] = []
        for source in input.sources {
            do {
                results.append(
                    try await context.executeActivity(
                        RunPipelineActivity.self, options: SyncSourceWorkflow.pipelineOptions,
                        input: RunPipelineActivity.Input(source: source, fullRefresh: input.fullRefresh ? true : nil)))
            } catch let failure as ActivityFailure {
                failures.append("\(source): \(failure.failure.rootCause.message)")
                await SettleLoadsActivity.settle(after: failure, source: source, resources: nil, in: context)
                if input.notifyOnFailure {
                    try await SendNotificationActivity.send(
                        in: context,
                        SyncNotifications.failure(
                            source: source, failure: failure, workflowId: context.info.workflowId,
                            subject: "\(context.info.schedule?.scheduleId ?? context.info.workflowId):\(source)"))
                }
            }
        }
        _ = try? await context.executeActivity(
            ApplyModelsActivity.self, options: SyncSourceWorkflow.modelsOptions, input: ApplyModelsActivity.Input())
        for result in results {
            try await SendNotificationActivity.send(
                in: context,
                SyncNotifications.recovery(
                    source: result.source, workflowId: context.info.workflowId,
                    subject: "\(context.info.schedule?.scheduleId ?? context.info.workflowId):\(result.source)"))
        }
        if !failures.isEmpty {
            let loaded = results.map { "\($0.source) (\($0.rows) rows)" }.joined(separator: ", ")
            throw ApplicationError(
                "\(failures.count) of \(input.sources.count) sources failed: \(failures.joined(separator: "; "))"
                    + (loaded.isEmpty ? "" : "; loaded: \(loaded)"), type: "SyncFailed", isNonRetryable: true)
        }
        return Output(sources: results, rows: results.reduce(0) { $0 + $1.rows })
    }
}

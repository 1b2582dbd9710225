import SignalRoomCore
import SignalRoomEngine

/// Syncs one source into the warehouse and, if asked, says how it went.
///
/// `signalroom sync files` runs it; the morning schedule runs it for one source. The
/// pipeline activity gets 30 minutes per attempt and the default retry policy; a failure
/// sends a notification naming the source and the error (unless `notifyOnFailure` is
/// false) and then fails the run.
public struct SyncSourceWorkflow: Workflow {
    public static let name = "SyncSourceWorkflow"

    public init() {}

    public struct Input: Codable, Sendable, Equatable {
        public var source: String
        public var resources: [String]?
        public var startDate: String?
        public var endDate: String?
        public var fullRefresh = false
        public var notifyOnSuccess = false
        public var notifyOnFailure = true
        /// Loads (resource → load id) of an earlier run of the same sync that failed, for
        /// this run to resume; `signalroom sync` fills it in when the options are the same.
        public var resumeLoads: [String: String]?

        public init(source: String) {
            self.source = source
        }

        static let fields = [
            "source", "resources", "startDate", "endDate", "fullRefresh", "notifyOnSuccess", "notifyOnFailure",
            "resumeLoads",
        ]

        public init(from decoder: Decoder) throws {
            let input = try StrictInputContainer(decoder, fields: Self.fields)
            guard let source: String = try input.optional("source"), !source.isEmpty else {
                throw input.fail("source", "`source` is required (e.g. \"files\")")
            }
            self.source = source
            resources = try input.optional("resources")
            startDate = try input.optional("startDate")
            endDate = try input.optional("endDate")
            fullRefresh = try input.value("fullRefresh", false)
            notifyOnSuccess = try input.value("notifyOnSuccess", false)
            notifyOnFailure = try input.value("notifyOnFailure", true)
            resumeLoads = try input.optional("resumeLoads")
            for (name, date) in [("startDate", startDate), ("endDate", endDate)] {
                if let date, CivilDate(date) == nil {
                    throw input.fail(name, "`\(name)` is \"\(date)\"; give a date as YYYY-MM-DD")
                }
            }
            if let startDate, let endDate, startDate > endDate {
                throw input.fail("endDate", "`endDate` \(endDate) is before `startDate` \(startDate)")
            }
        }

        var pipelineInput: RunPipelineActivity.Input {
            RunPipelineActivity.Input(
                source: source, resources: resources, startDate: startDate, endDate: endDate,
                fullRefresh: fullRefresh ? true : nil, resumeLoads: resumeLoads)
        }
    }

    public typealias Output = RunPipelineActivity.Output

    /// The original platform's limits for a pipeline run.
    static let pipelineOptions = ActivityOptions(startToCloseTimeout: .seconds(30 * 60))

    /// Models are refreshed after a load, once: a model that cannot be built yet (a source
    /// it reads was never synced) must not fail the sync; the next sync or report retries.
    static let modelsOptions = ActivityOptions(startToCloseTimeout: .seconds(5 * 60), retryPolicy: RetryPolicy(maximumAttempts: 1))

    public func run(context: WorkflowContext, input: Input) async throws -> Output {
        let subject = context.info.schedule?.scheduleId ?? context.info.workflowId
        let result: Output
        do {
            result = try await context.executeActivity(RunPipelineActivity.self, options: Self.pipelineOptions, input: input.pipelineInput)
        } catch let failure as ActivityFailure {
            await SettleLoadsActivity.settle(after: failure, source: input.source, resources: input.resources, in: context)
            if input.notifyOnFailure {
                try await SendNotificationActivity.send(
                    in: context,
                    SyncNotifications.failure(source: input.source, failure: failure, workflowId: context.info.workflowId, subject: subject))
            }
            throw failure
        }
        _ = try? await context.executeActivity(ApplyModelsActivity.self, options: Self.modelsOptions, input: ApplyModelsActivity.Input())
        // A recovery message when earlier failures of this sync were alerted; else nothing.
        try await SendNotificationActivity.send(
            in: context, SyncNotifications.recovery(source: input.source, workflowId: context.info.workflowId, subject: subject))
        if input.notifyOnSuccess {
            try await SendNotificationActivity.send(in: context, SyncNotifications.success(result, workflowId: context.info.workflowId))
        }
        return result
    }
}

enum SyncNotifications {
    /// Notifications go to the configured alert channel (`SIGNALROOM_ALERT_CHANNEL`).
    static let channel = "alerts"

    static func failure(source: String, failure: ActivityFailure, workflowId: String, subject: String) -> SendNotificationActivity.Input {
        SendNotificationActivity.Input(
            channel: channel, level: "error", title: "Sync failed: \(source)", message: failure.failure.rootCause.message,
            details: [
                "source": source, "workflow": workflowId, "attempts": String(failure.attempt),
                "error type": failure.failure.rootCause.type,
            ],
            kind: "failure", subject: subject, errorType: failure.failure.rootCause.type)
    }

    static func recovery(source: String, workflowId: String, subject: String) -> SendNotificationActivity.Input {
        SendNotificationActivity.Input(
            channel: channel, level: "info", title: "Sync recovered: \(source)", message: "",
            details: ["source": source, "workflow": workflowId], kind: "success", subject: subject)
    }

    static func success(_ result: RunPipelineActivity.Output, workflowId: String) -> SendNotificationActivity.Input {
        var details = ["source": result.source, "workflow": workflowId, "destination": result.destination]
        for table in result.tables { details["\(result.dataset).\(table.table)"] = "\(table.rows) rows" }
        return SendNotificationActivity.Input(
            channel: channel, level: "info", title: "Sync completed: \(result.source)",
            message: "\(result.rows) rows loaded into \(result.dataset)", details: details)
    }
}

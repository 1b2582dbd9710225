import SignalRoomCore
import SignalRoomEngine

/// Renders a report and sends it (the morning report), with the original platform's
/// limits: 5 minutes per attempt and the default retry policy. A failure sends an alert
/// through the `alert` report on the alert channel (`SIGNALROOM_ALERT_CHANNEL`, once per
/// window for the same error) and fails the run with the report's own error; the first
/// success after alerted failures sends one recovery message there.
public struct RunReportWorkflow: Workflow {
    public static let name = "RunReportWorkflow"

    public init() {}

    public struct Input: Codable, Sendable, Equatable {
        public var report: String
        public var channel = "slack"
        public var send = true
        public var params: [String: String] = [:]

        public init(report: String) {
            self.report = report
        }

        public init(from decoder: Decoder) throws {
            let input = try StrictInputContainer(decoder, fields: ["report", "channel", "send", "params"])
            guard let report: String = try input.optional("report"), !report.isEmpty else {
                throw input.fail("report", "`report` is required (e.g. \"daily_ccw\")")
            }
            self.report = report
            channel = try input.value("channel", "slack")
            send = try input.value("send", true)
            params = try input.value("params", [:])
        }
    }

    public typealias Output = RunReportActivity.Output

    static let reportOptions = ActivityOptions(startToCloseTimeout: .seconds(5 * 60))

    public func run(context: WorkflowContext, input: Input) async throws -> Output {
        let asOf = context.info.schedule.map { Timestamp.format($0.fireTime) }
        let subject = context.info.schedule?.scheduleId ?? context.info.workflowId
        let result: Output
        do {
            result = try await context.executeActivity(
                RunReportActivity.self, options: Self.reportOptions,
                input: RunReportActivity.Input(report: input.report, channel: input.channel, send: input.send, params: input.params, asOf: asOf))
        } catch let failure as ActivityFailure {
            try await SendNotificationActivity.send(
                in: context,
                .init(
                    channel: SyncNotifications.channel, level: "error", title: "Report failed: \(input.report)",
                    message: failure.failure.rootCause.message,
                    details: ["report": input.report, "workflow": context.info.workflowId, "attempts": String(failure.attempt)],
                    kind: "failure", subject: subject, errorType: failure.failure.rootCause.type))
            throw failure
        }
        if input.send {
            try await SendNotificationActivity.send(
                in: context,
                .init(
                    channel: SyncNotifications.channel, level: "info", title: "Report \(input.report)", message: "",
                    details: ["report": input.report], kind: "success", subject: subject))
        }
        return result
    }
}

import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomReports

/// Sends an alert through a channel, rendered by the `alert` report (plain text when this
/// installation has no `reports/alert`). A `failure` with a `subject` goes through the alert
/// ledger: the same error for the same subject is sent once per window; a `success` sends
/// a recovery message only when failures were alerted before it.
public struct SendNotificationActivity: Activity {
    public static let name = "SendNotificationActivity"

    public struct Input: Codable, Sendable, Equatable {
        public var channel: String
        /// error, warning or info.
        public var level: String
        public var title: String
        public var message: String
        public var details: [String: String]
        /// failure, success or info (nil: info).
        public var kind: String?
        /// What the alert is about (a schedule or a workflow id): the unit of suppression.
        public var subject: String?
        /// The failure's type, part of what makes two failures "the same error".
        public var errorType: String?

        public init(
            channel: String = "stdout", level: String, title: String, message: String, details: [String: String] = [:],
            kind: String? = nil, subject: String? = nil, errorType: String? = nil
        ) {
            self.channel = channel
            self.level = level
            self.title = title
            self.message = message
            self.details = details
            self.kind = kind
            self.subject = subject
            self.errorType = errorType
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var channel: String
        public var delivered: Bool
        /// Held back by the alert ledger (the same alert went out within the window).
        public var suppressed: Bool?
        public var recovery: Bool?
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        try await deliver(input)
    }

    private func deliver(_ requested: Input) async throws -> Output {
        var input = requested
        if input.channel == "alerts" { input.channel = services.alertChannel }
        var alert = input
        var recovery = false
        let fingerprint = AlertLedger.fingerprint(type: input.errorType ?? "", message: input.message)
        if let subject = input.subject {
            switch input.kind {
            case "failure":
                let decision = try services.alerts.failure(subject: subject, fingerprint: fingerprint)
                switch decision {
                case .suppress: return Output(channel: input.channel, delivered: false, suppressed: true, recovery: nil)
                case .sendFailure(let suppressed) where suppressed > 0:
                    alert.details["repeats held back"] = "\(suppressed) in the last window"
                default: break
                }
            case "success":
                guard case .sendRecovery(let failures) = try services.alerts.success(subject: subject) else {
                    return Output(channel: input.channel, delivered: false, suppressed: nil, recovery: nil)
                }
                recovery = true
                alert = Input(
                    channel: input.channel, level: "info", title: "Recovered: \(subject)",
                    message: "\(subject) succeeded again after \(failures) failure\(failures == 1 ? "" : "s")", details: input.details)
            default: break
            }
        }
        let rendered = try await render(alert)
        let channel = try services.channel(input.channel)
        _ = try await channel.send(rendered)
        // Only now is the alert sent: one the channel refused must not silence the window.
        if let subject = input.subject {
            if recovery {
                try services.alerts.recovered(subject: subject)
            } else if input.kind == "failure" {
                try services.alerts.delivered(subject: subject, fingerprint: fingerprint)
            }
        }
        return Output(
            channel: input.channel, delivered: true, suppressed: alert.details["repeats held back"] != nil ? false : nil,
            recovery: recovery ? true : nil)
    }

    private func render(_ input: Input) async throws -> RenderedReport {
        guard let report = try? services.reports.report(named: "alert") else {
            let plain = { (text: String) in ChannelEscaping.escape(text, for: input.channel) }
            var text = "[\(input.level.uppercased())] \(plain(input.title))\n\(plain(input.message))"
            for key in input.details.keys.sorted() { text += "\n  \(plain(key)): \(plain(input.details[key]!))" }
            return RenderedReport(report: "alert", channel: input.channel, subject: input.title, text: text)
        }
        let details = try JSONSerialization.data(withJSONObject: input.details, options: [.sortedKeys])
        let given = [
            "level": input.level, "title": input.title, "message": input.message,
            "details": String(decoding: details, as: UTF8.self), "source": input.details["source"] ?? input.subject ?? "",
            "time": Date.ISO8601FormatStyle().format(Date()),
        ]
        let known = Set(report.parameters.map(\.name))
        let parameters = try ReportParameters(resolving: given.filter { known.contains($0.key) }, for: report, now: Date())
        return try await ReportRenderer().render(report, channel: input.channel, parameters: parameters, session: nil)
    }
}

extension SendNotificationActivity {
    /// The limits of one notification.
    static let options = ActivityOptions(startToCloseTimeout: .seconds(60))

    /// Sends a notification from a workflow. One that cannot be sent (its channel
    /// misconfigured or down) is logged, and the run ends on its own merits: a sync's or a
    /// report's failure, not the alert's, is what the run records, and work that succeeded
    /// is not turned into a failed run.
    static func send(in context: WorkflowContext, _ notification: Input) async throws {
        do {
            _ = try await context.executeActivity(SendNotificationActivity.self, options: options, input: notification)
        } catch let failure as ActivityFailure {
            context.logger.warning(
                "the alert \"\(notification.title)\" was not sent: \(failure.failure.rootCause.message)",
                metadata: ["channel": notification.channel])
        }
    }
}

import Foundation
import SignalRoomReports
import SignalRoomWorkflows

/// What `signalroom report` checks before it renders or sends anything, so that a bad
/// parameter or channel is a usage error before work starts, and tests reach it in process.
public enum ReportOperation {
    /// The activity input for the report on `channel` (default: the report's first channel,
    /// else stdout), after checking that the report has the channel, that the parameters
    /// resolve, and, when sending, that the channel is configured. Throws `ReportError`.
    public static func prepare(
        report name: String, channel: String?, send: Bool, params: [String: String],
        services: PipelineServices, now: Date = Date()
    ) throws -> RunReportActivity.Input {
        let report = try services.reports.report(named: name)
        let chosen = channel ?? report.channels.first ?? "stdout"
        if chosen != "stdout", !report.channels.contains(chosen) {
            throw ReportError.unknownChannel(report: name, channel: chosen, channels: report.channels)
        }
        _ = try ReportParameters(resolving: params, for: report, now: now)
        if send { _ = try services.channel(chosen) }
        return RunReportActivity.Input(report: name, channel: chosen, send: send, params: params)
    }
}

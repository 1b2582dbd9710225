import Foundation
import SignalRoomCore
import SignalRoomReports
import SignalRoomRuntime
import SignalRoomWorkflows
import Testing

/// `signalroom report`'s checks before anything renders or sends, in process, over the
/// shipped reports.
@Suite struct ReportOperationTests {
    static let shippedReports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("reports")

    private func services(_ extra: [String: String] = [:]) -> PipelineServices {
        let environment = [EnvironmentVariable.reportsDirectory.name: Self.shippedReports.path].merging(extra) { $1 }
        return RuntimeConfiguration(environment: environment, stateDirectory: FileManager.default.temporaryDirectory).pipelineServices()
    }

    @Test func withoutAChannelTheReportsFirstIsChosen() throws {
        let input = try ReportOperation.prepare(
            report: "daily_ccw", channel: nil, send: false, params: ["date": "2024-12-01"],
            services: services())
        #expect(input.channel == "slack" && input.report == "daily_ccw" && !input.send)
    }

    @Test func aChannelTheReportDoesNotHaveIsRefusedNamingItsChannels() {
        let refused = #expect(throws: ReportError.self) {
            _ = try ReportOperation.prepare(report: "test_sync", channel: "fax", send: false, params: [:], services: services())
        }
        #expect(refused?.description.contains("fax") == true)
    }

    @Test func aParameterThatDoesNotResolveIsRefusedBeforeAnythingRuns() {
        #expect(throws: ReportError.self) {
            _ = try ReportOperation.prepare(
                report: "daily_ccw", channel: "stdout", send: false, params: ["date": "2026-02-31"],
                services: services())
        }
    }

    @Test func sendingThroughAnUnconfiguredChannelIsRefusedNamingItsVariable() {
        let refused = #expect(throws: (any Error).self) {
            _ = try ReportOperation.prepare(
                report: "daily_ccw", channel: "slack", send: true, params: ["date": "2024-12-01"],
                services: services(["SLACK_BOT_TOKEN": "", "SLACK_WEBHOOK_URL": ""]))
        }
        #expect("\(refused.map { String(describing: $0) } ?? "")".contains("SLACK_BOT_TOKEN"))
    }
}

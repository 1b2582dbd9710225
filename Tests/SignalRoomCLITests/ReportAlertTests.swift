import Foundation
import Testing

/// A report that fails on an empty warehouse (`daily_ccw` reads `everflow.daily_stats`,
/// never synced here) and the alert about it: where it goes, what the run records when the
/// alert cannot be sent, and when the alert ledger counts it.
@Suite(.serialized)
struct ReportAlertTests {
    func run(_ arguments: [String], _ server: LoopbackHTTPServer, extra: [String: String], in fixture: SyncFixture) async throws -> CLIHarness.Result
    {
        try await fixture.run(arguments, environment: ReportTests.shipped.merging(FakeChannels.environment(server)) { $1 }.merging(extra) { $1 })
    }

    static let failing = ["report", "daily_ccw", "--send", "--date", "2024-12-01"]

    @Test func aFailedReportFailsWithItsOwnCauseWhenItsAlertCannotBeSent() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await run(
                Self.failing + ["--channel", "slack", "--id", "masked"], server,
                extra: ["SIGNALROOM_ALERT_CHANNEL": "email", "RESEND_API_KEY": ""], in: fixture)
            #expect(result.status == 1)
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.contains("no such table: everflow.daily_stats"), "\(result.stderr)")
            #expect(!last.contains("RESEND_API_KEY"), "the alert's failure is not the run's: \(last)")
            #expect(result.stderr.contains("WARNING the alert \"Report failed: daily_ccw\" was not sent"), "\(result.stderr)")
            let closed = try #require(try fixture.cli.historyLines("masked").last)
            #expect(closed.eventType == "WorkflowExecutionFailed")
            #expect("\(closed.attributes)".contains("no such table: everflow.daily_stats"), "\(closed)")
        }
        await server.stop()
    }

    @Test func aReportsFailureAlertGoesToTheAlertChannelNotTheReportsChannel() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await run(Self.failing + ["--channel", "slack"], server, extra: ["SIGNALROOM_ALERT_CHANNEL": "sms"], in: fixture)
            #expect(result.status == 1)
            #expect(channels.messages.map(\.service) == ["sms"], "\(channels.messages)")
            #expect(channels.messages.first?.text.contains("Report failed: daily_ccw") == true, "\(channels.messages)")
        }
        await server.stop()
    }

    @Test func anAlertThatFailedToSendIsNotCountedSoTheNextFailureIsDelivered() async throws {
        let channels = FakeChannels(faults: [.json(["ok": false, "error": "channel_not_found"])])
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let environment = ["SIGNALROOM_ALERT_CHANNEL": "slack"]
            let first = try await run(Self.failing + ["--channel", "stdout", "--id", "morning"], server, extra: environment, in: fixture)
            #expect(first.status == 1)
            #expect(channels.messages.isEmpty, "Slack refused the first alert")
            let second = try await run(Self.failing + ["--channel", "stdout", "--id", "morning"], server, extra: environment, in: fixture)
            #expect(second.status == 1)
            #expect(channels.messages.count == 1, "the refused alert did not count: the next one goes out: \(second.stderr)")
            #expect(channels.messages.first?.text.contains("Report failed: daily_ccw") == true)
            let third = try await run(Self.failing + ["--channel", "stdout", "--id", "morning"], server, extra: environment, in: fixture)
            #expect(third.status == 1)
            #expect(channels.messages.count == 1, "a delivered alert holds back the same error for the window")
        }
        await server.stop()
    }
}

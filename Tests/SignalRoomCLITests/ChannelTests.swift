import Foundation
import Testing

/// Reports sent through Slack, Resend and Twilio stand-ins on 127.0.0.1, and the alert
/// hygiene that keeps one broken credential from flooding a channel.
@Suite(.serialized)
struct ChannelTests {
    /// `alert` needs no warehouse, so these run on an empty state directory.
    func run(
        _ arguments: [String], _ server: LoopbackHTTPServer, extra: [String: String] = [:],
        in fixture: SyncFixture
    ) async throws -> CLIHarness.Result {
        try await fixture.run(arguments, environment: ReportTests.shipped.merging(FakeChannels.environment(server)) { $1 }.merging(extra) { $1 })
    }

    func reportStarts(_ fixture: SyncFixture, id: String) throws -> Int {
        try fixture.cli.historyLines(id).filter { $0.eventType == "ActivityTaskStarted" }.count
    }

    @Test func slackEmailAndSmsAreSentWithTheirCredentials() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let base = [
                "report", "alert", "--send", "--param", "level=error", "--param", "title=Sync failed: everflow",
                "--param", "message=HTTP 401", "--param", #"details={"source":"everflow"}"#,
            ]
            for channel in ["slack", "email", "sms"] {
                let result = try await run(base + ["--channel", channel], server, in: fixture)
                #expect(result.status == 0, "\(channel): \(result.stderr)")
            }
            let messages = channels.messages
            #expect(messages.map(\.service) == ["slack", "email", "sms"])
            #expect(messages[0].text.hasPrefix(":rotating_light: *Sync failed: everflow*\nHTTP 401\n>source: everflow"), "\(messages[0].text)")
            #expect(messages[1].subject == "[ERROR] Sync failed: everflow" && messages[1].to == ["ops@example.com", "ceo@example.com"])
            #expect(messages[2].text == "[ERROR] Sync failed: everflow: HTTP 401" && messages[2].to == ["+15552223333"], "\(messages[2].text)")
        }
        await server.stop()
    }

    @Test func slackWebhookIsUsedWithoutABotToken() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await run(
                ["report", "alert", "--send", "--channel", "slack", "--param", "title=via webhook"], server,
                extra: ["SLACK_BOT_TOKEN": "", "SLACK_WEBHOOK_URL": server.baseURL + "/hooks/T000/B000/secret-hook-path"], in: fixture)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(channels.messages.map(\.service) == ["webhook"])
            #expect(channels.messages.first?.text.contains("*via webhook*") == true)
        }
        await server.stop()
    }

    @Test func slackInvalidAuthIsFinalAndTheTokenIsNeverPrinted() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let wrong = "xoxb-wrong-token-7a7a7a"
            let result = try await run(
                ["report", "alert", "--send", "--channel", "slack", "--id", "alert-auth"], server,
                extra: ["SLACK_BOT_TOKEN": wrong], in: fixture)
            #expect(result.status == 1)
            #expect(result.stderr.contains("Slack refused the message (invalid_auth); check SLACK_BOT_TOKEN"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(wrong))
            let history = try fixture.cli.historyLines("alert-auth")
            let reportAttempts = history.filter { $0.eventType == "ActivityTaskStarted" }.count
            #expect(reportAttempts == 2, "one report attempt, then the failure alert: \(reportAttempts)")
            #expect(channels.messages.isEmpty)
        }
        await server.stop()
    }

    @Test func slackRateLimitsAreWaitedOutAndRetried() async throws {
        let channels = FakeChannels(faults: [
            .json(["ok": false, "error": "ratelimited"], headers: ["Retry-After": "1"]),
            .text(#"{"ok":false,"error":"ratelimited"}"#, status: 429, contentType: "application/json", headers: ["Retry-After": "1"]),
        ])
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await run(["report", "alert", "--send", "--channel", "slack", "--param", "title=hello"], server, in: fixture)
            #expect(result.status == 0, "\(result.stderr)")
            let requests = server.requests
            #expect(requests.count == 3)
            #expect(requests[1].received.timeIntervalSince(requests[0].received) >= 0.95)
            #expect(requests[2].received.timeIntervalSince(requests[1].received) >= 0.95)
            #expect(channels.messages.count == 1)
        }
        await server.stop()
    }

    @Test func resendBadKeyIsFinalAndTwilioAnswers201() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let email = try await run(
                ["report", "alert", "--send", "--channel", "email", "--id", "alert-email"], server,
                extra: ["RESEND_API_KEY": "re_wrong_key_123456"], in: fixture)
            #expect(email.status == 1)
            #expect(email.stderr.contains("Resend refused the message (HTTP 401); check RESEND_API_KEY"), "\(email.stderr)")
            #expect(!email.stderr.contains("re_wrong_key_123456"))
            let long = String(repeating: "word ", count: 500)
            let sms = try await run(["report", "alert", "--send", "--channel", "sms", "--param", "message=\(long)"], server, in: fixture)
            #expect(sms.status == 0, "\(sms.stderr)")
            let text = try #require(channels.messages.last?.text)
            #expect(text.count == 1600 && text.hasSuffix("… [cut]"), "\(text.count)")
        }
        await server.stop()
    }

    @Test func tenIdenticalFailuresSendOneAlertAndRecoverySendsOne() async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", "id,status\n1,paid,extra\n")
            let environment = ["SIGNALROOM_ALERT_CHANNEL": "slack"]
            for attempt in 1...10 {
                let failed = try await run(["sync", "files"], server, extra: environment, in: fixture)
                #expect(failed.status == 1, "attempt \(attempt): \(failed.stderr)")
            }
            #expect(channels.messages.count == 1, "\(channels.messages.map(\.text))")
            #expect(channels.messages.first?.text.contains("Sync failed: files") == true)
            // Each run was its own process: the suppression lives in state/alerts.
            #expect(FileManager.default.fileExists(atPath: fixture.cli.state.appendingPathComponent("alerts/sync-files.json").path))

            try fixture.write("orders/orders_2024-12-01.csv", "id,status\n1,paid\n")
            let fixed = try await run(["sync", "files"], server, extra: environment, in: fixture)
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(channels.messages.count == 2)
            #expect(channels.messages.last?.text.contains("Recovered: sync-files") == true, "\(channels.messages.last?.text ?? "")")
            #expect(channels.messages.last?.text.contains("after 10 failures") == true)
            let again = try await run(["sync", "files"], server, extra: environment, in: fixture)
            #expect(again.status == 0)
            #expect(channels.messages.count == 2, "a success after a success says nothing")
        }
        await server.stop()
    }
}

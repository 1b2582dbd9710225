import Foundation
import Testing

/// A refused key names the variables to fix, as Slack's `invalid_auth` names SLACK_BOT_TOKEN,
/// and is final: one attempt, the key never printed.
@Suite(.serialized)
struct ChannelCredentialTests {
    @Test(arguments: [
        ("email", "RESEND_API_KEY", "re_wrong_key_123456", "Resend refused the message (HTTP 401); check RESEND_API_KEY"),
        (
            "sms", "TWILIO_AUTH_TOKEN", "twilio-wrong-token-99",
            "Twilio refused the message (HTTP 401); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
        ),
    ])
    func aRefusedKeyNamesItsVariables(channel: String, variable: String, wrong: String, expected: String) async throws {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let environment = ReportTests.shipped.merging(FakeChannels.environment(server)) { $1 }.merging([variable: wrong]) { $1 }
            let result = try await fixture.run(["report", "alert", "--send", "--channel", channel, "--id", "auth"], environment: environment)
            #expect(result.status == 1)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(wrong))
            #expect(
                try fixture.cli.historyLines("auth").filter { $0.eventType == "ActivityTaskStarted" }.count == 2,
                "one report attempt (final), then its alert: \(result.stderr)")
        }
        await server.stop()
    }
}

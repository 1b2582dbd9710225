import Foundation
import Testing

/// Values from outside, rendered by the shipped `alert` report and received by the loopback
/// stand-ins: escaped as each channel reads its text, the templates' markup left alone.
@Suite(.serialized)
struct ChannelEscapingTests {
    static let ping = "<!channel> & <@U123>"
    static let image = #"<img src=x onerror="alert(1)">"#

    func send(_ channel: String) async throws -> FakeChannels.Message {
        let channels = FakeChannels()
        let server = try await LoopbackHTTPServer.start(channels.handle)
        var received: FakeChannels.Message?
        try await SyncFixture.with(.sqlite) { fixture in
            let environment = ReportTests.shipped.merging(FakeChannels.environment(server)) { $1 }
            let result = try await fixture.run(
                [
                    "report", "alert", "--send", "--channel", channel, "--param", "level=error",
                    "--param", "title=Affiliate \(Self.ping)", "--param", "message=\(Self.image)",
                    "--param", #"details={"label":"G2 <b>Meta</b>"}"#,
                ], environment: environment)
            #expect(result.status == 0, "\(channel): \(result.stderr)")
            received = channels.messages.first
        }
        await server.stop()
        return try #require(received, "\(channel): nothing arrived")
    }

    @Test func slackGetsMrkdwnControlCharactersEscaped() async throws {
        let message = try await send("slack")
        #expect(message.text.hasPrefix(":rotating_light: *Affiliate &lt;!channel&gt; &amp; &lt;@U123&gt;*"), "\(message.text)")
        #expect(message.text.contains(#"&lt;img src=x onerror="alert(1)"&gt;"#), "\(message.text)")
        #expect(message.text.contains(">label: G2 &lt;b&gt;Meta&lt;/b&gt;"), "the template's own quote marker stays: \(message.text)")
        #expect(!message.text.contains("<!channel>") && !message.text.contains("<@U123>"))
    }

    @Test func emailGetsHTMLEscapedAndAPlainSubject() async throws {
        let message = try await send("email")
        #expect(message.text.contains("<h2>Affiliate &lt;!channel&gt; &amp; &lt;@U123&gt;</h2>"), "\(message.text)")
        #expect(message.text.contains("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>"), "\(message.text)")
        #expect(message.text.contains("<li>label: G2 &lt;b&gt;Meta&lt;/b&gt;</li>"), "\(message.text)")
        #expect(!message.text.contains("<img"))
        #expect(message.subject == "[ERROR] Affiliate \(Self.ping)", "a subject is a header, not HTML: \(message.subject ?? "")")
    }

    @Test func smsIsPlainTextAsGiven() async throws {
        let message = try await send("sms")
        #expect(message.text.contains("Affiliate \(Self.ping)") && message.text.contains(Self.image), "\(message.text)")
    }
}

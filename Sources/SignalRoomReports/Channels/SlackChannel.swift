import Foundation
import SignalRoomHTTP

/// Slack `chat.postMessage` with a bot token. Slack answers HTTP 200 with `ok: false` for
/// its own errors: a bad token or channel is final, `ratelimited` is waited out
/// (`Retry-After`) and tried again.
struct SlackChannel: NotificationChannel {
    let token: String
    let channelId: String
    let baseURL: URL
    let http: ServiceClient.Configuration
    var name: String { "slack" }

    static let final: [String: String] = [
        "not_authed": "set SLACK_BOT_TOKEN", "invalid_auth": "check SLACK_BOT_TOKEN",
        "account_inactive": "the bot's account is disabled; use another token",
        "token_revoked": "the token was revoked; make a new one", "channel_not_found": "check SLACK_CHANNEL_ID",
        "not_in_channel": "invite the bot to the channel", "is_archived": "the channel is archived",
        "msg_too_long": "the report is too long for Slack",
        "no_text": "the template rendered nothing",
    ]

    func send(_ message: RenderedReport) async throws -> Delivery {
        let client = ServiceClient(service: "Slack", secrets: [token], configuration: http)
        let body = try JSONSerialization.data(withJSONObject: ["channel": channelId, "text": message.text], options: [.sortedKeys])
        let request = HTTPRequest(
            method: "POST", url: baseURL.appendingPathComponent("chat.postMessage"),
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json; charset=utf-8"],
            body: body, timeout: 30)
        var attempt = 1
        while true {
            let response = try await client.send(request)
            guard let answer = client.deliveredAnswer(response, from: request) else { return Delivery(channel: name, id: nil) }
            if answer["ok"] as? Bool == true { return Delivery(channel: name, id: answer["ts"] as? String) }
            let code = answer["error"] as? String ?? "unknown_error"
            if code == "ratelimited", attempt < http.maximumAttempts {
                let wait = RetryAfter.seconds(response.header("Retry-After")) ?? http.initialDelay
                try await Task.sleep(for: .milliseconds(Int(min(wait, http.maximumRetryAfter) * 1000)))
                attempt += 1
                continue
            }
            if let hint = Self.final[code] {
                throw ChannelRejection(channel: "Slack", code: code, hint: hint, isRetryable: false)
            }
            throw ChannelRejection(channel: "Slack", code: code, hint: "Slack may accept it later", isRetryable: true)
        }
    }
}

/// A Slack incoming webhook: POST `{"text": …}`, answered with `ok`.
struct SlackWebhookChannel: NotificationChannel {
    let url: URL
    let http: ServiceClient.Configuration
    var name: String { "slack" }

    func send(_ message: RenderedReport) async throws -> Delivery {
        let client = ServiceClient(service: "Slack webhook", secrets: [url.path], configuration: http)
        let body = try JSONSerialization.data(withJSONObject: ["text": message.text])
        _ = try await client.send(HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: body, timeout: 30))
        return Delivery(channel: name, id: nil)
    }
}

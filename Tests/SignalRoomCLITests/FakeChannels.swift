import Foundation

/// Slack's Web API, Resend and Twilio as `../shared/reference/apis.md` documents them:
/// each checks method, path, credentials and body, and answers like the service (Slack
/// with HTTP 200 and `ok: false` for its own errors, Twilio with 201).
final class FakeChannels: @unchecked Sendable {
    static let slackToken = "xoxb-test-4f2a9b"
    static let slackChannel = "C0TESTCHAN"
    static let resendKey = "re_test_8d1c7e"
    static let twilioSid = "ACtest000111"
    static let twilioToken = "twilio-token-5e6f"

    struct Message: Equatable {
        var service: String
        var text: String
        var subject: String?
        var to: [String]
    }

    private let lock = NSLock()
    private var faults: [LoopbackHTTPServer.Reply]
    private(set) var delivered: [Message] = []
    private(set) var refused: [String] = []

    init(faults: [LoopbackHTTPServer.Reply] = []) {
        self.faults = faults
    }

    var messages: [Message] { lock.withLock { delivered } }

    func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Reply {
        lock.withLock {
            switch (request.method, request.path) {
            case ("POST", "/api/chat.postMessage"):
                guard request.headers["authorization"] == "Bearer \(Self.slackToken)" else { return .json(["ok": false, "error": "invalid_auth"]) }
                if !faults.isEmpty { return faults.removeFirst() }
                guard request.headers["content-type"]?.hasPrefix("application/json") == true, let body = request.json,
                    body["channel"] as? String == Self.slackChannel, let text = body["text"] as? String, !text.isEmpty
                else {
                    refused.append(String(decoding: request.body, as: UTF8.self))
                    return .json(["ok": false, "error": "invalid_arguments"])
                }
                delivered.append(Message(service: "slack", text: text, subject: nil, to: [Self.slackChannel]))
                return .json(["ok": true, "channel": Self.slackChannel, "ts": "1733097600.000\(delivered.count)"])
            case ("POST", "/emails"):
                guard request.headers["authorization"] == "Bearer \(Self.resendKey)" else {
                    return .json(["statusCode": 401, "name": "validation_error", "message": "API key is invalid"], status: 401)
                }
                if !faults.isEmpty { return faults.removeFirst() }
                guard let body = request.json, let from = body["from"] as? String, !from.isEmpty, let to = body["to"] as? [String], !to.isEmpty,
                    let subject = body["subject"] as? String, let html = body["html"] as? String
                else {
                    return .json(
                        ["statusCode": 422, "name": "missing_required_field", "message": "from, to, subject and html are required"], status: 422)
                }
                delivered.append(Message(service: "email", text: html, subject: subject, to: to))
                return .json(["id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e79\(delivered.count)"])
            case ("POST", "/2010-04-01/Accounts/\(Self.twilioSid)/Messages.json"):
                let expected = "Basic " + Data("\(Self.twilioSid):\(Self.twilioToken)".utf8).base64EncodedString()
                guard request.headers["authorization"] == expected else {
                    return .json(["code": 20003, "message": "Authenticate", "status": 401], status: 401)
                }
                if !faults.isEmpty { return faults.removeFirst() }
                var form: [String: String] = [:]
                for item in URLComponents(string: "x:?" + String(decoding: request.body, as: UTF8.self))?.queryItems ?? [] {
                    form[item.name] = item.value ?? ""
                }
                guard request.headers["content-type"] == "application/x-www-form-urlencoded", let body = form["Body"], let to = form["To"],
                    form["From"] != nil, body.count <= 1600
                else {
                    return .json(["code": 21602, "message": "Message body is required", "status": 400], status: 400)
                }
                delivered.append(Message(service: "sms", text: body, subject: nil, to: [to]))
                return .json(["sid": "SM\(delivered.count)abc", "status": "queued"], status: 201)
            case ("POST", "/hooks/T000/B000/secret-hook-path"):
                guard let text = request.json?["text"] as? String, !text.isEmpty else { return .text("no_text", status: 400) }
                delivered.append(Message(service: "webhook", text: text, subject: nil, to: []))
                return .text("ok", status: 200)
            default:
                return .json(["error": "not found"], status: 404)
            }
        }
    }

    static func environment(_ server: LoopbackHTTPServer) -> [String: String] {
        [
            "SLACK_BOT_TOKEN": slackToken, "SLACK_CHANNEL_ID": slackChannel, "SLACK_API_BASE_URL": server.baseURL + "/api",
            "RESEND_API_KEY": resendKey, "RESEND_FROM_EMAIL": "reports@signalroom.test", "REPORT_EMAIL_TO": "ops@example.com, ceo@example.com",
            "RESEND_BASE_URL": server.baseURL, "TWILIO_ACCOUNT_SID": twilioSid, "TWILIO_AUTH_TOKEN": twilioToken,
            "TWILIO_FROM_NUMBER": "+15550001111", "REPORT_SMS_TO": "+15552223333", "TWILIO_BASE_URL": server.baseURL,
            "SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS": "0.05",
        ]
    }
}

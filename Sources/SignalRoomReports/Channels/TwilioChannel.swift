import Foundation
import SignalRoomCore
import SignalRoomHTTP

/// SMS through Twilio: a form POST to Messages.json with HTTP Basic auth, answered with
/// 201 and a `sid`, one message per recipient. Twilio refuses bodies over 1,600
/// characters, so longer text is cut with a visible marker.
struct TwilioChannel: NotificationChannel {
    let accountSid: String
    let authToken: String
    let from: String
    let to: [String]
    let baseURL: URL
    let http: ServiceClient.Configuration
    var name: String { "sms" }

    static let limit = 1600
    static let marker = "… [cut]"

    static func fitted(_ text: String) -> String {
        text.count <= limit ? text : String(text.prefix(limit - marker.count)) + marker
    }

    func send(_ message: RenderedReport) async throws -> Delivery {
        let client = ServiceClient(service: "Twilio", secrets: [authToken], configuration: http)
        let credentials = Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        var sids: [String] = []
        for recipient in to {
            var form = URLComponents()
            form.queryItems = [
                URLQueryItem(name: "To", value: recipient), URLQueryItem(name: "From", value: from),
                URLQueryItem(name: "Body", value: Self.fitted(message.text)),
            ]
            // URLComponents leaves `+` as is; in a form body it would read as a space.
            let body = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            let request = HTTPRequest(
                method: "POST", url: baseURL.appendingPathComponent("2010-04-01/Accounts/\(accountSid)/Messages.json"),
                headers: ["Authorization": "Basic \(credentials)", "Content-Type": "application/x-www-form-urlencoded"],
                body: Data(body.utf8), timeout: 30)
            let response = try await client.send(
                request, credentials: "\(EnvironmentVariable.twilioAccountSid) and \(EnvironmentVariable.twilioAuthToken)")
            if let sid = client.deliveredAnswer(response, from: request)?["sid"] as? String { sids.append(sid) }
        }
        return Delivery(channel: name, id: sids.joined(separator: ","))
    }
}

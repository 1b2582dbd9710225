import Foundation
import SignalRoomCore
import SignalRoomHTTP

/// E-mail through Resend: POST /emails with a bearer key; answers `{"id": …}`. 401/403
/// (bad key) and 422 (invalid fields) are final, 429 and 5xx retried (by the client).
struct ResendChannel: NotificationChannel {
    let apiKey: String
    let from: String
    let to: [String]
    let baseURL: URL
    let http: ServiceClient.Configuration
    var name: String { "email" }

    func send(_ message: RenderedReport) async throws -> Delivery {
        let client = ServiceClient(service: "Resend", secrets: [apiKey], configuration: http)
        let payload: [String: Any] = ["from": from, "to": to, "subject": message.subject ?? message.report, "html": message.text]
        let request = HTTPRequest(
            method: "POST", url: baseURL.appendingPathComponent("emails"),
            headers: ["Authorization": "Bearer \(apiKey)", "Content-Type": "application/json"],
            body: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), timeout: 30)
        let response = try await client.send(request, credentials: EnvironmentVariable.resendAPIKey.name)
        return Delivery(channel: name, id: client.deliveredAnswer(response, from: request)?["id"] as? String)
    }
}

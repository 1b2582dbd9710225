import Foundation
import SignalRoomCore
import SignalRoomHTTP
import SignalRoomPipelines

/// Where a rendered report goes. Implementations say which failures are worth retrying
/// (a bad token is not; a rate limit or a 5xx is) through `RetryClassifiedError`.
public protocol NotificationChannel: Sendable {
    var name: String { get }
    func send(_ message: RenderedReport) async throws -> Delivery
}

/// What the service said it did: its id for the message (Slack's `ts`, Resend's `id`,
/// Twilio's `sid`).
public struct Delivery: Sendable, Codable, Equatable {
    public var channel: String
    public var id: String?

    public init(channel: String, id: String?) {
        self.channel = channel
        self.id = id
    }
}

extension ServiceClient {
    /// A channel's 2xx answer as a JSON object, or nil when its body cannot be read.
    ///
    /// A 2xx from Slack, Resend or Twilio means the message was accepted; a body cut off or
    /// garbled after that is only missing the service's id for it. Retrying would send the
    /// recipients the same report twice, and failing would announce "report failed" for a
    /// report they received, so the message counts as delivered (without an id). Slack's own
    /// errors (`ok: false`) are short answers that arrive whole; a success echoes the whole
    /// message, which is the answer a cut is likely to hit.
    func deliveredAnswer(_ response: HTTPResponse, from request: HTTPRequest) -> [String: Any]? {
        (try? json(response, from: request)) as? [String: Any]
    }

    /// Sends a message to a service keyed by `variables`; its 401 or 403 is final and says
    /// which variables to check (the key itself is never shown).
    func send(_ request: HTTPRequest, credentials variables: String) async throws -> HTTPResponse {
        do {
            return try await send(request)
        } catch HTTPError.status(_, _, let code, _) where code == 401 || code == 403 {
            throw ChannelRejection(channel: service, code: "HTTP \(code)", hint: "check \(variables)", isRetryable: false)
        }
    }
}

/// A service refused a message in its own words (Slack's `ok: false`).
public struct ChannelRejection: RetryClassifiedError, Equatable {
    public var channel: String
    public var code: String
    public var hint: String
    public var isRetryable: Bool

    public var failureType: String { isRetryable ? "ChannelUnavailable" : "ChannelRejected" }
    public var description: String { "\(channel) refused the message (\(code)); \(hint)" }
}

/// The channels, configured from the environment (process environment over `.env`) through
/// the descriptors of `ChannelVariables`.
public struct ChannelSettings: Sendable {
    public let environment: [String: String]
    public var http: ServiceClient.Configuration

    public init(environment: [String: String], http: ServiceClient.Configuration = .init()) {
        self.environment = environment
        self.http = http
    }

    private func required(_ variable: EnvironmentVariable, channel: String) throws -> String {
        guard let text = environment[variable] else {
            throw ReportError.missingSetting(channel: channel, variable: variable.name, purpose: variable.help)
        }
        return text
    }

    private func list(_ variable: EnvironmentVariable, channel: String) throws -> [String] {
        try required(variable, channel: channel).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func url(_ variable: EnvironmentVariable) throws -> URL {
        let text = variable.valueOrDefault(in: environment)
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), url.scheme == "http" || url.scheme == "https" else {
            throw HTTPError.invalidBaseURL(variable: variable.name, value: text)
        }
        return url
    }

    /// `output` receives what the stdout channel prints.
    public func channel(named name: String, output: @escaping @Sendable (String) -> Void) throws -> any NotificationChannel {
        switch name {
        case "stdout":
            return StdoutChannel(output: output)
        case "slack":
            if let token = environment[.slackBotToken] {
                return SlackChannel(
                    token: token, channelId: try required(.slackChannelId, channel: "slack"),
                    baseURL: try url(.slackAPIBaseURL), http: http)
            }
            guard environment[.slackWebhookURL] != nil else {
                throw ReportError.missingSetting(
                    channel: "slack", variable: EnvironmentVariable.slackBotToken.name,
                    purpose: EnvironmentVariable.slackBotToken.help)
            }
            return SlackWebhookChannel(url: try url(.slackWebhookURL), http: http)
        case "email":
            return ResendChannel(
                apiKey: try required(.resendAPIKey, channel: "email"),
                from: try required(.resendFromEmail, channel: "email"),
                to: try list(.reportEmailTo, channel: "email"),
                baseURL: try url(.resendBaseURL), http: http)
        case "sms":
            return TwilioChannel(
                accountSid: try required(.twilioAccountSid, channel: "sms"),
                authToken: try required(.twilioAuthToken, channel: "sms"),
                from: try required(.twilioFromNumber, channel: "sms"),
                to: try list(.reportSMSTo, channel: "sms"),
                baseURL: try url(.twilioBaseURL), http: http)
        default:
            throw ReportError.unknownChannel(report: "-", channel: name, channels: ["slack", "email", "sms", "stdout"])
        }
    }
}

/// Prints the text (stderr when stdout carries `--json`; the caller decides).
struct StdoutChannel: NotificationChannel {
    let output: @Sendable (String) -> Void
    var name: String { "stdout" }

    func send(_ message: RenderedReport) async throws -> Delivery {
        output((message.subject.map { "Subject: \($0)\n\n" } ?? "") + message.text)
        return Delivery(channel: name, id: nil)
    }
}

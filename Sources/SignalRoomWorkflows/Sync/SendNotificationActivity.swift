import SignalRoomEngine

/// Sends a notification through a channel. This build has the `stdout` channel; Slack,
/// e-mail and SMS arrive with the reports work.
public struct SendNotificationActivity: Activity {
    public static let name = "SendNotificationActivity"

    public struct Input: Codable, Sendable, Equatable {
        public var channel: String
        /// error, warning or info.
        public var level: String
        public var title: String
        public var message: String
        public var details: [String: String]

        public init(channel: String = "stdout", level: String, title: String, message: String, details: [String: String] = [:]) {
            self.channel = channel
            self.level = level
            self.title = title
            self.message = message
            self.details = details
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var channel: String
        public var delivered: Bool
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        guard input.channel == "stdout" else {
            throw ApplicationError.invalidInput("notification channel \(input.channel) is not available in this build; use stdout")
        }
        var text = "[\(input.level.uppercased())] \(input.title)\n\(input.message)"
        for key in input.details.keys.sorted() { text += "\n  \(key): \(input.details[key]!)" }
        services.notificationOutput(text)
        return Output(channel: input.channel, delivered: true)
    }
}

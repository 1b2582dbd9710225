import SignalRoomCore

extension EnvironmentVariable {
    public static let slackBotToken = EnvironmentVariable(
        "SLACK_BOT_TOKEN", group: .channel("slack"), help: "a bot token (with SLACK_CHANNEL_ID), or set SLACK_WEBHOOK_URL")
    public static let slackChannelId = EnvironmentVariable(
        "SLACK_CHANNEL_ID", group: .channel("slack"), help: "the channel to post to, e.g. C0123ABCD")
    public static let slackAPIBaseURL = EnvironmentVariable(
        "SLACK_API_BASE_URL", group: .channel("slack"), default: "https://slack.com/api", help: "the Slack Web API's base URL")
    public static let slackWebhookURL = EnvironmentVariable(
        "SLACK_WEBHOOK_URL", group: .channel("slack"), help: "an incoming webhook, used when SLACK_BOT_TOKEN is unset")

    public static let resendAPIKey = EnvironmentVariable("RESEND_API_KEY", group: .channel("email"), required: true, help: "the Resend API key")
    public static let resendFromEmail = EnvironmentVariable(
        "RESEND_FROM_EMAIL", group: .channel("email"), required: true, help: "the sender address")
    public static let reportEmailTo = EnvironmentVariable(
        "REPORT_EMAIL_TO", group: .channel("email"), required: true, help: "recipients, comma-separated")
    public static let resendBaseURL = EnvironmentVariable(
        "RESEND_BASE_URL", group: .channel("email"), default: "https://api.resend.com", help: "the Resend API's base URL")

    public static let twilioAccountSid = EnvironmentVariable(
        "TWILIO_ACCOUNT_SID", group: .channel("sms"), required: true, help: "the account SID")
    public static let twilioAuthToken = EnvironmentVariable("TWILIO_AUTH_TOKEN", group: .channel("sms"), required: true, help: "the auth token")
    public static let twilioFromNumber = EnvironmentVariable(
        "TWILIO_FROM_NUMBER", group: .channel("sms"), required: true, help: "the sending number")
    public static let reportSMSTo = EnvironmentVariable(
        "REPORT_SMS_TO", group: .channel("sms"), required: true, help: "recipient numbers, comma-separated")
    public static let twilioBaseURL = EnvironmentVariable(
        "TWILIO_BASE_URL", group: .channel("sms"), default: "https://api.twilio.com", help: "the Twilio API's base URL")
}

/// The variables `ChannelSettings` configures the channels from, channel by channel (the
/// stdout channel needs none). Slack takes a bot token and a channel, or a webhook.
public enum ChannelVariables {
    public static let slack: [EnvironmentVariable] = [.slackBotToken, .slackChannelId, .slackAPIBaseURL, .slackWebhookURL]
    public static let email: [EnvironmentVariable] = [.resendAPIKey, .resendFromEmail, .reportEmailTo, .resendBaseURL]
    public static let sms: [EnvironmentVariable] = [.twilioAccountSid, .twilioAuthToken, .twilioFromNumber, .reportSMSTo, .twilioBaseURL]
    public static let all = slack + email + sms
}

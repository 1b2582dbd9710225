import SignalRoomCore

extension EnvironmentVariable {
    public static let httpRetryInitialSeconds = EnvironmentVariable(
        "SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS", group: .http, default: EnvironmentVariable.text(seconds: HTTPVariables.defaults.initialDelay),
        help: "first in-process HTTP retry delay in seconds (it doubles; \(HTTPVariables.defaults.maximumAttempts) attempts)")
    public static let httpConnectTimeoutSeconds = EnvironmentVariable(
        "SIGNALROOM_HTTP_CONNECT_TIMEOUT_SECONDS", group: .http, default: EnvironmentVariable.text(seconds: HTTPVariables.defaults.connectTimeout),
        help: "how long a connection may take to open")
}

/// The variables behind `ServiceClient.Configuration`, shared by every source and channel;
/// their defaults are the configuration's own.
public enum HTTPVariables {
    public static let all: [EnvironmentVariable] = [.httpRetryInitialSeconds, .httpConnectTimeoutSeconds]

    static let defaults = ServiceClient.Configuration()
}

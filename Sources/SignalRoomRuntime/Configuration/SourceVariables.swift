import SignalRoomConnectors
import SignalRoomCore
import SignalRoomFiles
import SignalRoomHTTP

extension EnvironmentVariable {
    public static let clientId = EnvironmentVariable(
        "SIGNALROOM_CLIENT_ID", group: .sources, default: "default", help: "value of every row's _client_id")
    public static let reportTimezone = EnvironmentVariable(
        "REPORT_TIMEZONE", group: .sources, default: "America/New_York", help: "the report's zone for dates and \"yesterday\"")
}

/// The variables each source is configured from, as `signalroom sources` lists them: the
/// source's own, then the shared ones it reads (the report zone, HTTP, the client id).
public enum SourceVariables {
    public static let shared: [EnvironmentVariable] = [.clientId, .reportTimezone]

    /// Keyed by source name, for every name of `SourceCatalog.names`.
    public static let bySource: [String: [EnvironmentVariable]] = [
        "everflow": EverflowVariables.all + [.reportTimezone] + HTTPVariables.all + [.clientId],
        "files": FilesVariables.all + [.clientId],
        "redtrack": RedTrackVariables.all + [.reportTimezone] + HTTPVariables.all + [.clientId],
        "s3": S3Variables.all + HTTPVariables.all + [.clientId],
    ]

    public static func of(source name: String) -> [EnvironmentVariable] { bySource[name] ?? [] }
}

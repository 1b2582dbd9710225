import SignalRoomCore

extension EnvironmentVariable {
    public static let redTrackAPIKey = EnvironmentVariable(
        "REDTRACK_API_KEY", group: .source("redtrack"), required: true, help: "the API key, sent as the api_key parameter")
    public static let redTrackBaseURL = EnvironmentVariable(
        "REDTRACK_BASE_URL", group: .source("redtrack"), default: "https://api.redtrack.io", help: "the RedTrack API's base URL")
    public static let redTrackPacingSeconds = EnvironmentVariable(
        "REDTRACK_PACING_SECONDS", group: .source("redtrack"), default: EnvironmentVariable.text(seconds: RedTrackSource.Settings.defaultPacing),
        help: "seconds between day requests")
    public static let redTrackStartDate = EnvironmentVariable(
        "REDTRACK_START_DATE", group: .source("redtrack"), defaultDescription: FirstSyncStart.description,
        help: "first day of the first sync")
    public static let redTrackDataset = EnvironmentVariable(
        "REDTRACK_DATASET", group: .source("redtrack"), default: "redtrack", help: "dataset (schema) name")
}

/// The variables `RedTrackSource.Settings` is read from, in the order they are listed.
public enum RedTrackVariables {
    public static let all: [EnvironmentVariable] = [
        .redTrackAPIKey, .redTrackBaseURL, .redTrackPacingSeconds, .redTrackStartDate, .redTrackDataset,
    ]
}

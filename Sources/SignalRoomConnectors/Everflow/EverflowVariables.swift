import SignalRoomCore

extension EnvironmentVariable {
    public static let everflowAPIKey = EnvironmentVariable(
        "EVERFLOW_API_KEY", group: .source("everflow"), required: true, help: "the network API key, sent as X-Eflow-API-Key")
    public static let everflowBaseURL = EnvironmentVariable(
        "EVERFLOW_BASE_URL", group: .source("everflow"), default: "https://api.eflow.team", help: "the Everflow API's base URL")
    public static let everflowAdvertiserIds = EnvironmentVariable(
        "EVERFLOW_ADVERTISER_IDS", group: .source("everflow"), default: "1,2", help: "advertisers kept (comma-separated)")
    public static let everflowStartDate = EnvironmentVariable(
        "EVERFLOW_START_DATE", group: .source("everflow"), defaultDescription: FirstSyncStart.description,
        help: "first day of the first sync")
    public static let everflowPageSize = EnvironmentVariable(
        "EVERFLOW_PAGE_SIZE", group: .source("everflow"), default: String(EverflowSource.Settings.defaultPageSize), help: "rows a page")
    public static let everflowDataset = EnvironmentVariable(
        "EVERFLOW_DATASET", group: .source("everflow"), default: "everflow", help: "dataset (schema) name")
}

/// The variables `EverflowSource.Settings` is read from, in the order they are listed.
public enum EverflowVariables {
    public static let all: [EnvironmentVariable] = [
        .everflowAPIKey, .everflowBaseURL, .everflowAdvertiserIds, .everflowStartDate, .everflowPageSize, .everflowDataset,
    ]
}

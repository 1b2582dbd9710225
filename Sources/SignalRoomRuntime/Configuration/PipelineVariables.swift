import SignalRoomCore
import SignalRoomPipelines

extension EnvironmentVariable {
    public static let databaseURL = EnvironmentVariable(
        "DATABASE_URL", group: .warehouse, defaultDescription: "SQLite files under the state directory's warehouse/",
        help: "a PostgreSQL URL for the warehouse (postgres://user:password@host:5432/db)")
    public static let loadChunkRows = EnvironmentVariable(
        "SIGNALROOM_LOAD_CHUNK_ROWS", group: .warehouse, default: String(ResourceLoader.Options().chunkRows), help: "rows per staged chunk of a load")

    public static let reportsDirectory = EnvironmentVariable(
        "SIGNALROOM_REPORTS_DIR", group: .reports, default: "reports",
        defaultDescription: "reports/ in the working directory if it exists, else the ones built in", help: "the directory of report definitions")
    public static let modelsDirectory = EnvironmentVariable(
        "SIGNALROOM_MODELS_DIR", group: .reports, default: "models",
        defaultDescription: "models/ in the working directory if it exists, else the ones built in", help: "the directory of SQL models")
    public static let seedsDirectory = EnvironmentVariable(
        "SIGNALROOM_SEEDS_DIR", group: .reports, default: "seeds",
        defaultDescription: "seeds/ in the working directory if it exists, else the ones built in", help: "the directory of seed CSV files")
    public static let alertWindowSeconds = EnvironmentVariable(
        "SIGNALROOM_ALERT_WINDOW_SECONDS", group: .reports, default: "3600",
        help: "seconds within which a failure alert for the same subject and error is sent once")
    public static let alertChannel = EnvironmentVariable(
        "SIGNALROOM_ALERT_CHANNEL", group: .reports, default: "stdout",
        help: "where sync and report failures are announced (slack, email, sms, stdout)")

    public static let testKillAt = EnvironmentVariable(
        "SIGNALROOM_TEST_KILL_AT", group: .testing, help: "testing only: SIGKILL the process at a load checkpoint, begun, staged:N or completed")
}

/// The variables `PipelineServices` reads: the warehouse, how loads are staged, where
/// reports, models and seeds live, failure alerts, and the test-only crash point in a load.
public enum PipelineVariables {
    public static let warehouse: [EnvironmentVariable] = [.databaseURL, .loadChunkRows]
    public static let reports: [EnvironmentVariable] = [.reportsDirectory, .modelsDirectory, .seedsDirectory, .alertWindowSeconds, .alertChannel]
    public static let testing: [EnvironmentVariable] = [.testKillAt]
}

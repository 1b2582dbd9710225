import Foundation
import SignalRoomHTTP
import SignalRoomPipelines
import SignalRoomReports
import SignalRoomWarehouse

/// What pipeline activities need from the process that runs them: configuration read once
/// from flags, the environment and `.env`, and where progress and notifications go.
public struct PipelineServices: Sendable {
    /// Environment variables (process environment over `.env`).
    public var environment: [String: String]
    public var stateDirectory: URL
    /// Where the stdout notification channel writes (stderr when stdout carries `--json`).
    public var notificationOutput: @Sendable (String) -> Void
    /// Progress of running loads, for a terminal's progress line.
    public var progress: @Sendable (LoadProgress) -> Void
    /// Rows per staged chunk (`SIGNALROOM_LOAD_CHUNK_ROWS`).
    public var chunkRows: Int
    /// Testing only (`SIGNALROOM_TEST_KILL_AT`): SIGKILL the process at a load checkpoint,
    /// `begun`, `staged:N` or `completed`, to crash at exact points of a load.
    public var killAt: String?
    /// Told of each HTTP attempt about to be retried, with the wait before the next one.
    public var httpRetries: (@Sendable (HTTPRetry) -> Void)?

    public init(environment: [String: String], stateDirectory: URL,
                notificationOutput: @escaping @Sendable (String) -> Void = { print($0) },
                progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }) {
        self.environment = environment
        self.stateDirectory = stateDirectory
        self.notificationOutput = notificationOutput
        self.progress = progress
        chunkRows = environment["SIGNALROOM_LOAD_CHUNK_ROWS"].flatMap(Int.init).map { max(1, $0) } ?? 10_000
        killAt = environment["SIGNALROOM_TEST_KILL_AT"]
    }

    /// Services for processes that only validate workflow inputs (schedule setup).
    public static let unconfigured = PipelineServices(environment: [:], stateDirectory: URL(fileURLWithPath: "state"))

    /// PostgreSQL when `DATABASE_URL` is set, otherwise SQLite files under `state/warehouse`.
    public func destination() throws -> any Destination {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return try PostgresWarehouse(databaseURL: url)
        }
        return SQLiteWarehouse(directory: stateDirectory.appendingPathComponent("warehouse"))
    }

    public var sources: SourceCatalog { SourceCatalog(environment: environment, httpRetries: httpRetries) }

    private func directory(_ variable: String, _ fallback: String) -> URL {
        let path = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    /// `reports/` in the working directory, or `SIGNALROOM_REPORTS_DIR`.
    public var reports: ReportLibrary { ReportLibrary(directory: directory("SIGNALROOM_REPORTS_DIR", "reports")) }

    /// `models/` and `seeds/` in the working directory, or `SIGNALROOM_MODELS_DIR` and
    /// `SIGNALROOM_SEEDS_DIR`.
    public var models: ModelLibrary {
        ModelLibrary(modelsDirectory: directory("SIGNALROOM_MODELS_DIR", "models"), seedsDirectory: directory("SIGNALROOM_SEEDS_DIR", "seeds"))
    }

    /// The notification channels, with the same HTTP retry settings as the sources.
    public func channels() throws -> ChannelSettings {
        ChannelSettings(environment: environment, http: try sources.httpConfiguration())
    }

    /// Failure alerts and recovery messages: `state/alerts/`, one window
    /// (`SIGNALROOM_ALERT_WINDOW_SECONDS`, default 3600) per subject and error.
    public var alerts: AlertLedger {
        let window = environment["SIGNALROOM_ALERT_WINDOW_SECONDS"].flatMap(Double.init).map { max(0, $0) } ?? 3600
        return AlertLedger(directory: stateDirectory.appendingPathComponent("alerts"), window: window)
    }

    /// Where sync and report failures are announced (`SIGNALROOM_ALERT_CHANNEL`, default stdout).
    public var alertChannel: String { environment["SIGNALROOM_ALERT_CHANNEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "stdout" }
}

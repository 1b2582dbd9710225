import Foundation
import SignalRoomCore
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
        chunkRows = max(1, EnvironmentVariable.loadChunkRows.parsed(in: environment, as: { Int($0) }) ?? ResourceLoader.Options().chunkRows)
        killAt = environment[.testKillAt]
    }

    /// Services for processes that only validate workflow inputs (schedule setup).
    public static let unconfigured = PipelineServices(environment: [:], stateDirectory: URL(fileURLWithPath: "state"))

    /// PostgreSQL when `DATABASE_URL` is set, otherwise SQLite files under `state/warehouse`.
    public func destination() throws -> any Destination {
        if let url = environment[.databaseURL] {
            return try PostgresWarehouse(databaseURL: url)
        }
        return SQLiteWarehouse(directory: stateDirectory.appendingPathComponent("warehouse"))
    }

    public var sources: SourceCatalog { SourceCatalog(environment: environment, httpRetries: httpRetries) }

    private func directory(_ variable: EnvironmentVariable) -> URL {
        URL(fileURLWithPath: variable.valueOrDefault(in: environment)).standardizedFileURL
    }

    /// `reports/` in the working directory, or `SIGNALROOM_REPORTS_DIR`.
    public var reports: ReportLibrary { ReportLibrary(directory: directory(.reportsDirectory)) }

    /// `models/` and `seeds/` in the working directory, or `SIGNALROOM_MODELS_DIR` and
    /// `SIGNALROOM_SEEDS_DIR`.
    public var models: ModelLibrary {
        ModelLibrary(modelsDirectory: directory(.modelsDirectory), seedsDirectory: directory(.seedsDirectory))
    }

    /// The notification channels, with the same HTTP retry settings as the sources.
    public func channels() throws -> ChannelSettings {
        ChannelSettings(environment: environment, http: try sources.httpConfiguration())
    }

    /// Failure alerts and recovery messages: `state/alerts/`, one window
    /// (`SIGNALROOM_ALERT_WINDOW_SECONDS`) per subject and error.
    public var alerts: AlertLedger {
        let directory = stateDirectory.appendingPathComponent("alerts")
        guard let window = EnvironmentVariable.alertWindowSeconds.parsed(in: environment, as: { Double($0) }) else {
            return AlertLedger(directory: directory)
        }
        return AlertLedger(directory: directory, window: max(0, window))
    }

    /// Where sync and report failures are announced (`SIGNALROOM_ALERT_CHANNEL`).
    public var alertChannel: String { EnvironmentVariable.alertChannel.valueOrDefault(in: environment) }
}

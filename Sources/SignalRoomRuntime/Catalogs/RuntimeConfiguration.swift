import Foundation
import SignalRoomCore
import SignalRoomDefaults
import SignalRoomHTTP
import SignalRoomPipelines
import SignalRoomReports
import SignalRoomWarehouse
import SignalRoomWorkflows

/// The installation as this process sees it: the environment read once (process
/// environment over `.env`), and from it the source catalog, the warehouse, the channels
/// and the report, model and alert directories that the workflows' activities are handed.
/// Every variable is read through its `EnvironmentVariable`, which holds its default.
public struct RuntimeConfiguration: Sendable {
    public let environment: [String: String]
    public let stateDirectory: URL
    /// The state when it is not the files under `stateDirectory` (PostgreSQL): where the
    /// alert ledger is kept.
    public var state: StateHandle?
    /// Told of each HTTP attempt about to be retried (the CLI logs it at `warning`).
    public var httpRetries: (@Sendable (HTTPRetry) -> Void)?

    public init(environment: [String: String], stateDirectory: URL, httpRetries: (@Sendable (HTTPRetry) -> Void)? = nil) {
        self.environment = environment
        self.stateDirectory = stateDirectory
        self.httpRetries = httpRetries
    }

    /// The process environment over the `.env` file of `directory` (see `DotEnvFile` for
    /// its rules); throws `DotEnvError` naming a line it cannot read.
    public static func processEnvironment(dotEnvDirectory directory: String = FileManager.default.currentDirectoryPath) throws -> [String: String] {
        var values = try DotEnvFile.read(path: directory + "/.env")
        for (key, value) in ProcessInfo.processInfo.environment { values[key] = value }
        return values
    }

    public var sources: SourceCatalog { SourceCatalog(environment: environment, httpRetries: httpRetries) }

    /// PostgreSQL when `DATABASE_URL` is set, otherwise SQLite files under `state/warehouse`.
    public func destination() throws -> any Destination {
        if let url = environment[.databaseURL] {
            return try PostgresWarehouse(databaseURL: url)
        }
        return SQLiteWarehouse(directory: stateDirectory.appendingPathComponent("warehouse"))
    }

    /// `SIGNALROOM_REPORTS_DIR`, else `reports/` in the working directory, else the reports
    /// built into the binary.
    public var reports: ReportLibrary { ReportLibrary(files: projectFiles(.reportsDirectory)) }

    /// `models/` and `seeds/` chosen the same way (`SIGNALROOM_MODELS_DIR`,
    /// `SIGNALROOM_SEEDS_DIR`).
    public var models: ModelLibrary {
        ModelLibrary(models: projectFiles(.modelsDirectory), seeds: projectFiles(.seedsDirectory))
    }

    /// Failure alerts and recovery messages: kept in the state (`state/alerts/`, or the
    /// PostgreSQL state's `alerts`), one window (`SIGNALROOM_ALERT_WINDOW_SECONDS`) per
    /// subject and error.
    public var alerts: AlertLedger {
        let entries: any AlertEntryStore =
            if let state, state.isDatabase {
                DeferredAlertEntries(state: state)
            } else {
                FileAlertEntries(directory: stateDirectory.appendingPathComponent("alerts"))
            }
        guard let window = EnvironmentVariable.alertWindowSeconds.parsed(in: environment, as: { Double($0) }) else {
            return AlertLedger(entries: entries)
        }
        return AlertLedger(entries: entries, window: max(0, window))
    }

    /// The notification channel, with the same HTTP retry settings as the sources; `output`
    /// receives what the stdout channel prints.
    public func channel(named name: String, output: @escaping @Sendable (String) -> Void) throws -> any NotificationChannel {
        try ChannelSettings(environment: environment, http: sources.httpConfiguration()).channel(named: name, output: output)
    }

    /// What the activities are handed. `notificationOutput` is where the stdout channel
    /// writes (stderr when stdout carries `--json`).
    public func pipelineServices(
        notificationOutput: @escaping @Sendable (String) -> Void = { print($0) },
        progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }
    ) -> PipelineServices {
        let configuration = self
        return PipelineServices(
            sources: sources, destination: { try configuration.destination() },
            channel: { try configuration.channel(named: $0, output: notificationOutput) },
            reports: reports, models: models, alerts: alerts,
            alertChannel: EnvironmentVariable.alertChannel.valueOrDefault(in: environment), progress: progress,
            chunkRows: EnvironmentVariable.loadChunkRows.parsed(in: environment, as: { Int($0) }) ?? ResourceLoader.Options().chunkRows,
            killAt: environment[.testKillAt])
    }

    /// A directory named by its variable is used as it is, even when missing (an error then
    /// names it); without the variable the working directory's copy wins as a whole over the
    /// built-in one, so a project's own `reports/` never mixes with the shipped reports.
    private func projectFiles(_ variable: EnvironmentVariable) -> ProjectFiles {
        let path = variable.valueOrDefault(in: environment)
        let directory = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if environment[variable] != nil || FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue
        {
            return .directory(directory)
        }
        return ProjectFiles.embedded(BuiltInProject.files, origin: BuiltInProject.origin).subdirectory(variable.defaultValue)
    }
}

extension SourceCatalog: SourceProvider {}

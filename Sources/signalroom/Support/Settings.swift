import Foundation
import Logging
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomRuntime
import SignalRoomWorkflows
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Configuration as it enters the program: flags first, then the process environment,
/// then a `.env` file in the working directory, then defaults. Built once per command
/// and passed down. Variables are read through their descriptors (`StateVariables`), which
/// hold their defaults.
struct Settings {
    /// The state's files, or with a PostgreSQL state the directory that still holds what is
    /// local to this host (`logs/`, the SQLite warehouse when there is no `DATABASE_URL`).
    var stateDirectory: URL
    /// Where the state is, opened on first use.
    let state: StateHandle
    var json: Bool
    /// `-q`: errors only, no progress line.
    var quiet: Bool
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var parkAfter: Duration
    /// Testing only: the process SIGKILLs itself right after the durable append that
    /// writes this event id (`SIGNALROOM_TEST_KILL_AFTER_EVENT`), to crash at every event
    /// boundary of a run.
    var killAfterEvent: Int?
    var redactor: SecretRedactor
    /// How long closed runs are kept unless a command's `--retention` says otherwise.
    var retention: String
    /// The environment the settings were read from, passed on to pipeline activities.
    var environment: [String: String]

    /// `environment` is for tests; by default the process environment over `.env`, whose
    /// unreadable lines are a usage error here.
    init(_ options: GlobalOptions, environment: [String: String]? = nil) throws {
        var environment = try environment ?? Settings.readEnvironment()
        // A state URL (the flag's, else the variable's) puts the state in PostgreSQL; the
        // directory then holds only what is this host's own (logs, a SQLite warehouse), which
        // is why the crontab and systemd lines' `--state DIR` keeps a PostgreSQL state.
        let flag = options.stateDirectory
        let databaseURL = flag.flatMap { StateLocation.isDatabaseURL($0) ? $0 : nil } ?? environment[.stateURL]
        let directory = flag.flatMap { StateLocation.isDatabaseURL($0) ? nil : $0 }
        stateDirectory =
            URL(fileURLWithPath: directory ?? EnvironmentVariable.stateDirectory.valueOrDefault(in: environment))
            .standardizedFileURL
        let location: StateLocation
        if let databaseURL {
            let schema = EnvironmentVariable.stateSchema.valueOrDefault(in: environment)
            location = .postgres(url: databaseURL, schema: schema)
            // The flag's URL is a secret like the variable's: its password is masked wherever
            // shown, and a background resume inherits it with the environment.
            environment[EnvironmentVariable.stateURL.name] = databaseURL
            environment[EnvironmentVariable.stateSchema.name] = schema
        } else {
            location = .directory(stateDirectory)
        }
        let logger = Logger(label: "signalroom.state")
        state = StateHandle(
            location: location,
            notices: StoreNotices(indexRebuilt: { state, open, closed, damaged in
                logger.warning("\(state)/index was missing: rebuilt it from the histories (\(open) open, \(closed) closed runs)")
                for damage in damaged { logger.error("\(damage.description)") }
            }))
        json = options.json
        quiet = options.quiet
        if options.quiet && options.verbose { throw CommandFailure("-q/--quiet and -v/--verbose contradict each other: give one", code: .usage) }
        let flagLevel: Logger.Level? = options.logLevel ?? (options.verbose ? .debug : options.quiet ? .error : nil)
        // A variable is read only when its flag was not given, so a bad one behind a flag is ignored.
        do {
            logLevel =
                try flagLevel
                ?? OptionValues.logLevel(
                    EnvironmentVariable.logLevel.valueOrDefault(in: environment),
                    from: EnvironmentVariable.logLevel.name)
            logFormat =
                try options.logFormat
                ?? OptionValues.logFormat(
                    EnvironmentVariable.logFormat.valueOrDefault(in: environment),
                    from: EnvironmentVariable.logFormat.name)
            parkAfter =
                try options.parkAfter
                ?? OptionValues.seconds(
                    EnvironmentVariable.parkAfter.valueOrDefault(in: environment),
                    from: EnvironmentVariable.parkAfter.name)
        } catch {
            throw CommandFailure("\(error)", code: .usage)
        }
        killAfterEvent = environment[.testKillAfterEvent].flatMap(Int.init)
        redactor = SecretRedactor(environment: environment)
        retention = EnvironmentVariable.retention.valueOrDefault(in: environment)
        self.environment = environment
    }

    /// The installation as configured (sources, warehouse, channels), with HTTP retries
    /// logged at `warning`, secrets redacted.
    var runtime: RuntimeConfiguration {
        let http = Logger(label: "signalroom.http")
        let redactor = redactor
        var configuration = RuntimeConfiguration(
            environment: environment, stateDirectory: stateDirectory,
            httpRetries: { retry in
                http.warning(
                    "\(redactor.redact(retry.message))",
                    metadata: [
                        "service": .string(retry.service), "url": .string(redactor.redact(retry.url)),
                        "attempt": .stringConvertible(retry.attempt),
                        "retry_in_seconds": .string(String(format: "%.1f", retry.delay)),
                    ])
            })
        configuration.state = state
        return configuration
    }

    /// Configuration for the activities that reach sources and the warehouse. With
    /// `--json`, the stdout notification channel writes to stderr so stdout stays one
    /// JSON document.
    func pipelineServices(progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }) -> PipelineServices {
        let toStderr = json
        return runtime.pipelineServices(
            notificationOutput: { text in
                if toStderr {
                    FileHandle.standardError.write(Data((text + "\n").utf8))
                } else {
                    print(text)
                }
            },
            progress: progress)
    }

    /// The process environment over the `.env` file of the working directory (see
    /// `DotEnvFile` for its rules); a line it cannot read is a usage error naming the line.
    static func readEnvironment() throws -> [String: String] {
        do {
            return try RuntimeConfiguration.processEnvironment()
        } catch {
            throw CommandFailure("\(error)", code: .usage)
        }
    }

    /// The same, without `.env` when it cannot be read: for peeking at a setting before
    /// `Settings` is built (which reports the bad line) and for redacting secrets from the
    /// report of some other failure.
    static func environment() -> [String: String] {
        (try? readEnvironment()) ?? ProcessInfo.processInfo.environment
    }

    /// The state's histories and run logs. On files, directories are made only when a run is
    /// started; commands that only read pass `create: false` and fail clearly on a mistyped
    /// path. A PostgreSQL state is connected to (and its schema migrated) here.
    func store(create: Bool = true) throws -> any HistoryStore & RunLogStore {
        if !create, !state.isDatabase, !FileManager.default.fileExists(atPath: stateDirectory.path) {
            throw CommandFailure(
                "state directory \(stateDirectory.path) does not exist; check --state or \(EnvironmentVariable.stateDirectory)", code: .notFound)
        }
        return try stores().histories
    }

    /// All of the state's stores (histories, schedules, pass records, alerts).
    func stores() throws -> StateStores { try state.stores() }

    func engine(store: any HistoryStore, services: PipelineServices? = nil) -> WorkflowEngine {
        let logger = Logger(label: "signalroom.engine")
        let killAfter = killAfterEvent
        let redactor = redactor
        let configuration = EngineConfiguration(
            parkThreshold: parkAfter,
            log: { record in
                let level: Logger.Level =
                    switch record.level {
                    case .debug: .debug
                    case .info: .info
                    case .warning: .warning
                    case .error: .error
                    }
                logger.log(
                    level: level, "\(redactor.redact(record.message))",
                    metadata: record.metadata.mapValues { .string(redactor.redact($0)) })
            },
            afterDurableAppend: { eventId in
                if let killAfter, eventId >= killAfter { kill(getpid(), SIGKILL) }
            },
            redact: { redactor.redact($0) })
        return WorkflowEngine(
            store: store, registry: BuiltinWorkflows.registry(services: services ?? pipelineServices()), configuration: configuration)
    }
}

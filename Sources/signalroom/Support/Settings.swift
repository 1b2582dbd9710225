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
    var stateDirectory: URL
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
        let environment = try environment ?? Settings.readEnvironment()
        let state = options.stateDirectory ?? EnvironmentVariable.stateDirectory.valueOrDefault(in: environment)
        stateDirectory = URL(fileURLWithPath: state).standardizedFileURL
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
        return RuntimeConfiguration(
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

    /// The state directory's store; it creates directories only when a run is started.
    /// Commands that only read pass `create: false` and fail clearly on a mistyped path.
    func store(create: Bool = true) throws -> FileHistoryStore {
        if !create, !FileManager.default.fileExists(atPath: stateDirectory.path) {
            throw CommandFailure(
                "state directory \(stateDirectory.path) does not exist; check --state or \(EnvironmentVariable.stateDirectory)", code: .notFound)
        }
        let logger = Logger(label: "signalroom.state")
        return FileHistoryStore(
            root: stateDirectory,
            notices: StoreNotices(indexRebuilt: { state, open, closed, damaged in
                logger.warning("\(state)/index was missing: rebuilt it from the histories (\(open) open, \(closed) closed runs)")
                for damage in damaged { logger.error("\(damage.description)") }
            }))
    }

    func engine(store: FileHistoryStore, services: PipelineServices? = nil) -> WorkflowEngine {
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

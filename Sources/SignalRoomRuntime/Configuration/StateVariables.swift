import SignalRoomCore

extension EnvironmentVariable {
    public static let stateDirectory = EnvironmentVariable(
        "SIGNALROOM_STATE", group: .state, emptyIsAValue: true, default: "./state",
        help: "the state directory (histories, indexes, schedules, alerts, the SQLite warehouse); --state wins")
    public static let stateURL = EnvironmentVariable(
        "SIGNALROOM_STATE_URL", group: .state, defaultDescription: "the files of the state directory",
        help:
            "a PostgreSQL URL (postgres://user:password@host:5432/db) for a state several hosts share: histories, schedules,"
            + " pass records, alerts; --state postgres://… wins; while it is set, --state DIR keeps only this host's logs")
    public static let stateSchema = EnvironmentVariable(
        "SIGNALROOM_STATE_SCHEMA", group: .state, default: "signalroom_state",
        help: "the PostgreSQL schema of the state's tables (with SIGNALROOM_STATE_URL)")
    public static let logLevel = EnvironmentVariable(
        "SIGNALROOM_LOG_LEVEL", group: .state, emptyIsAValue: true, default: "info",
        help: "lowest log level written to stderr (run-due: \(CommandDefaults.runDueLogLevel) unless set); --log-level wins")
    public static let logFormat = EnvironmentVariable(
        "SIGNALROOM_LOG_FORMAT", group: .state, emptyIsAValue: true, default: "text",
        help: "log line format on stderr, text or json; --log-format wins")
    public static let parkAfter = EnvironmentVariable(
        "SIGNALROOM_PARK_AFTER", group: .state, emptyIsAValue: true, default: "5",
        help:
            "seconds a run may wait in process (a retry back-off) before it is parked for a later run-due (sync: \(CommandDefaults.syncParkAfterSeconds) unless set);"
            + " --park-after wins")
    public static let retention = EnvironmentVariable(
        "SIGNALROOM_RETENTION", group: .state, emptyIsAValue: true, default: "30d",
        help: "how long closed runs are kept (30s, 15m, 1h30m, 7d, 2w); --retention wins")
    public static let uiToken = EnvironmentVariable(
        "SIGNALROOM_UI_TOKEN", group: .state, defaultDescription: "none: `signalroom ui` listens on loopback only",
        help: "the token `signalroom ui --listen` needs on any address but loopback (at least 16 characters)")
    public static let testKillAfterEvent = EnvironmentVariable(
        "SIGNALROOM_TEST_KILL_AFTER_EVENT", group: .testing, emptyIsAValue: true,
        help: "testing only: SIGKILL the process right after the durable append of this event id")
}

/// The variables of the engine and its state directory, read by the command line into its
/// `Settings` (flags win over them), and the test-only crash point after a history event.
/// Set to the empty string they are refused like any bad value, not taken as unset.
public enum StateVariables {
    public static let all: [EnvironmentVariable] = [
        .stateDirectory, .stateURL, .stateSchema, .logLevel, .logFormat, .parkAfter, .retention, .uiToken,
    ]
    public static let testing: [EnvironmentVariable] = [.testKillAfterEvent]
}

/// Where a command's own default differs from its variable's, written once, here, for the
/// command and for the variable's help.
public enum CommandDefaults {
    /// `sync` is watched by a person or a CI job: it sleeps through a retry's back-off of up
    /// to an hour rather than leave a parked run for a run-due that may never come.
    public static let syncParkAfterSeconds = 3600
    /// `run-due` runs from cron, which mails whatever it writes: quiet unless something is wrong.
    public static let runDueLogLevel = "warning"
}

import Foundation
import SignalRoomEngine
import SignalRoomReports
import SignalRoomScheduler
import SignalRoomStatePostgres

/// Where the state is: a directory of files (the embedded default), or a PostgreSQL
/// database shared by several hosts (`SIGNALROOM_STATE_URL`, DESIGN §9).
public enum StateLocation: Sendable, Equatable {
    case directory(URL)
    /// `url` with its password; `schema` the one the state's tables live in.
    case postgres(url: String, schema: String)

    /// Whether `--state` names a database rather than a directory.
    public static func isDatabaseURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }
}

/// The stores a command works with, opened once per process from its `StateLocation`:
/// histories and run logs, registered schedules, `run-due` pass records and the alert
/// ledger's entries. On PostgreSQL they share one connection (`PostgresState`).
public struct StateStores: Sendable {
    public let histories: any HistoryStore & RunLogStore
    public let schedules: any ScheduleStore
    public let passes: any RunDuePassRecording
    public let alerts: any AlertEntryStore
    /// How messages name the state: a directory, or `postgres://user@host:port/db (schema s)`.
    public let place: String

    /// `notices` tells the file store's caller of a rebuilt index.
    public static func open(_ location: StateLocation, notices: StoreNotices = StoreNotices()) throws -> StateStores {
        switch location {
        case .directory(let directory):
            return StateStores(
                histories: FileHistoryStore(root: directory, notices: notices),
                schedules: FileScheduleStore(stateDirectory: directory), passes: RunDuePassLog(stateDirectory: directory),
                alerts: FileAlertEntries(directory: directory.appendingPathComponent("alerts")), place: directory.path)
        case .postgres(let url, let schema):
            let state = try PostgresState(url: url, schema: schema)
            return StateStores(
                histories: PostgresHistoryStore(state: state), schedules: PostgresScheduleStore(state: state),
                passes: PostgresPassLog(state: state), alerts: PostgresAlertEntries(state: state),
                place: "postgres://\(state.location) (schema \(schema))")
        }
    }
}

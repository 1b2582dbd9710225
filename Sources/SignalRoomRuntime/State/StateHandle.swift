import Foundation
import SignalRoomEngine
import SignalRoomReports
import SignalRoomStatePostgres

/// The state of one process, opened on first use and then shared: a command that never
/// touches the state (`sources`, `--help`) never connects to PostgreSQL, and one that does
/// connects once, whichever of its parts asks first.
public final class StateHandle: @unchecked Sendable {
    public let location: StateLocation
    private let notices: StoreNotices
    private let lock = NSLock()
    private var opened: StateStores?

    public init(location: StateLocation, notices: StoreNotices = StoreNotices()) {
        self.location = location
        self.notices = notices
    }

    public func stores() throws -> StateStores {
        try lock.withLock {
            if let opened { return opened }
            let stores = try StateStores.open(location, notices: notices)
            opened = stores
            return stores
        }
    }

    /// Forgets stores whose database connection was lost (the server restarted, the network
    /// dropped), so the next `stores()` connects again: for a process that outlives one
    /// connection, such as `signalroom ui`. Any other error leaves them.
    public func reopenAfter(_ error: Error) {
        guard case PostgresStateError.unreachable = error else { return }
        lock.withLock { opened = nil }
    }

    /// The stores if something opened them already (a log line written before that cannot
    /// belong to a run).
    public var openedStores: StateStores? { lock.withLock { opened } }

    public var isDatabase: Bool { if case .postgres = location { true } else { false } }
}

/// The alert ledger's entries of a state that is opened when the first alert is decided.
struct DeferredAlertEntries: AlertEntryStore {
    let state: StateHandle

    func all() throws -> [AlertLedger.Entry] { try state.stores().alerts.all() }

    func change(
        _ subject: String, _ body: (AlertLedger.Entry?) -> (AlertLedger.Entry?, AlertLedger.Decision)
    ) throws
        -> AlertLedger.Decision
    {
        try state.stores().alerts.change(subject, body)
    }
}

import Foundation
import SignalRoomEngine

/// The owner's hold on one run in the PostgreSQL state: the advisory lock on its
/// connection, and the `lease` token its claim set, which every write names.
final class PostgresRunLease: RunLease, @unchecked Sendable {
    // Used by one journal at a time (the engine's run actor), never concurrently.
    let store: PostgresHistoryStore
    let run: RunReference
    let workflowType: String
    private(set) var events: [HistoryEvent]
    private let token: Int
    private var nextEventId: Int
    private var broken: Error?
    private var released = false

    init(store: PostgresHistoryStore, run: RunReference, workflowType: String, events: [HistoryEvent], token: Int, nextEventId: Int) {
        self.store = store
        self.run = run
        self.workflowType = workflowType
        self.events = events
        self.token = token
        self.nextEventId = nextEventId
    }

    private var ids: [StateValue] { [.text(run.workflowId), .text(run.runId)] }

    /// Commits the events, fenced: only while this lease's token is the run's and the run's
    /// next event id is the one this lease expects. A closing event sets the run's status
    /// in the same transaction. After a failure whose outcome is unknown (the connection
    /// dropped mid-commit) the lease refuses further appends: the next claim reads what
    /// the database kept.
    func append(_ newEvents: [HistoryEvent]) throws {
        if let broken { throw broken }
        guard !newEvents.isEmpty else { return }
        let lines = try newEvents.map(PostgresHistoryStore.line)
        let closing = newEvents.last { $0.attributes.closingStatus != nil }
        let table = store.table
        do {
            try store.connection.transaction { transaction in
                let fenced = try transaction.query(
                    """
                    UPDATE \(table.runs) SET next_event_id = $5,
                      status = COALESCE($6, status), close_time = COALESCE($7, close_time),
                      wake_up_time = CASE WHEN $6::text IS NULL THEN wake_up_time END
                    WHERE workflow_id = $1 AND run_id = $2 AND lease = $3 AND next_event_id = $4 RETURNING 1
                    """,
                    ids + [
                        .int(token), .int(nextEventId), .int(nextEventId + newEvents.count),
                        .text(closing?.attributes.closingStatus?.rawValue), .double(closing?.time.timeIntervalSince1970),
                    ])
                guard !fenced.isEmpty else { throw PostgresStateError.leaseLost(workflowId: run.workflowId, runId: run.runId) }
                var sql = "INSERT INTO \(table.events) (workflow_id, run_id, event_id, line) VALUES "
                var values = ids
                for (index, line) in lines.enumerated() {
                    sql += (index == 0 ? "" : ", ") + "($1, $2, $\(values.count + 1), $\(values.count + 2))"
                    values += [.int(nextEventId + index), .text(line)]
                }
                try transaction.query(sql, values)
            }
        } catch {
            broken = error
            throw error
        }
        nextEventId += newEvents.count
        events.append(contentsOf: newEvents)
    }

    func setWakeUpTime(_ time: Date?) throws {
        if let broken { throw broken }
        try store.connection.query(
            "UPDATE \(store.table.runs) SET wake_up_time = $4 WHERE workflow_id = $1 AND run_id = $2 AND lease = $3",
            ids + [.int(token), .double(time?.timeIntervalSince1970)])
    }

    /// The status was set with the closing event; what is left is the requests.
    func markClosed(status: RunStatus, closeTime: Date) throws {
        try store.connection.query(
            "UPDATE \(store.table.runs) SET status = $3, close_time = $4, wake_up_time = NULL WHERE workflow_id = $1 AND run_id = $2 AND status = 'running'",
            ids + [.text(status.rawValue), .double(closeTime.timeIntervalSince1970)])
        clearRequest(.cancel)
        clearRequest(.terminate)
    }

    func pendingRequest() -> RunRequest? { store.pendingRequest(for: run) }

    func clearRequest(_ kind: RunRequest.Kind) { store.clearRequest(kind, of: run) }

    func release() {
        guard !released else { return }
        released = true
        store.release(run)
    }

    deinit { release() }
}

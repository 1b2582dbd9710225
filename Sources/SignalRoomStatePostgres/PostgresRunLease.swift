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
    /// What the last append or request check saw, and when (see `pendingRequest`).
    private var requestWaiting = false
    private var requestCheckedAt: ContinuousClock.Instant?
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
    /// next event id is the one this lease expects. One statement in one transaction: the
    /// fenced UPDATE (a closing event sets the run's status with it),
    /// the INSERT of the events for each row it returned (none when fenced out), and whether
    /// a request is waiting, which spares the engine's next check a query of its own. After
    /// a failure whose outcome is unknown (the connection dropped mid-commit) the lease
    /// refuses further appends: the next claim reads what the database kept.
    func append(_ newEvents: [HistoryEvent]) throws {
        if let broken { throw broken }
        guard !newEvents.isEmpty else { return }
        let lines = try newEvents.map(PostgresHistoryStore.line)
        let closing = newEvents.last { $0.attributes.closingStatus != nil }
        let table = store.table
        // Two arrays, not two parameters an event: an append of more than 32,767 events (a
        // retry reusing a long history) would pass PostgreSQL's 65,535 parameters.
        let values: [StateValue] =
            ids + [
                .int(token), .int(nextEventId), .int(nextEventId + newEvents.count),
                .text(closing?.attributes.closingStatus?.rawValue), .double(closing?.time.timeIntervalSince1970),
                .integers(Array(nextEventId..<(nextEventId + lines.count))), .texts(lines),
            ]
        let result: [[String?]]
        do {
            // In its own BEGIN … COMMIT although it is one statement: postgres-nio answers a
            // statement at its CommandComplete, which the server sends before the implicit
            // commit at Sync, so a connection cut in between acknowledged events the server
            // then rolled back (told 45, kept 43 in `aConnectionCutMidAppend…`). COMMIT's own
            // answer comes after the commit.
            result = try store.connection.transactionOfOne(
                """
                WITH fenced AS (
                  UPDATE \(table.runs) SET next_event_id = $5,
                    status = COALESCE($6, status), close_time = COALESCE($7, close_time),
                    wake_up_time = CASE WHEN $6::text IS NULL THEN wake_up_time END
                  WHERE workflow_id = $1 AND run_id = $2 AND lease = $3 AND next_event_id = $4 RETURNING 1),
                inserted AS (
                  INSERT INTO \(table.events) (workflow_id, run_id, event_id, line)
                  SELECT $1, $2, added.event_id, added.line FROM fenced, unnest($8::integer[], $9::text[]) AS added (event_id, line)
                  RETURNING 1)
                SELECT (SELECT count(*) FROM inserted), EXISTS (SELECT 1 FROM \(table.requests) WHERE workflow_id = $1 AND run_id = $2)
                """, values)
        } catch {
            broken = error
            throw error
        }
        guard result.first?[0].flatMap({ Int($0) }) == newEvents.count else {
            let lost = PostgresStateError.leaseLost(workflowId: run.workflowId, runId: run.runId)
            broken = lost
            throw lost
        }
        requestWaiting = result.first?[1] == "t"
        requestCheckedAt = .now
        nextEventId += newEvents.count
        events.append(contentsOf: newEvents)
    }

    /// Autocommit: a wake-up time lost to a cut connection only makes the run look ready,
    /// and the next owner parks it again.
    func setWakeUpTime(_ time: Date?) throws {
        if let broken { throw broken }
        try store.connection.query(
            "UPDATE \(store.table.runs) SET wake_up_time = $4 WHERE workflow_id = $1 AND run_id = $2 AND lease = $3",
            ids + [.int(token), .double(time?.timeIntervalSince1970)])
    }

    /// The status was set with the closing event (this sets it when it was not); what is
    /// left is the requests, dropped in the same statement. Fenced like an append: a lease
    /// that lost the run changes nothing.
    func markClosed(status: RunStatus, closeTime: Date) throws {
        try store.connection.transactionOfOne(
            """
            WITH closed AS (
              UPDATE \(store.table.runs) SET status = $3, close_time = $4, wake_up_time = NULL
              WHERE workflow_id = $1 AND run_id = $2 AND status = 'running' AND lease = $5 RETURNING 1)
            DELETE FROM \(store.table.requests) WHERE workflow_id = $1 AND run_id = $2
              AND EXISTS (SELECT 1 FROM \(store.table.runs) WHERE workflow_id = $1 AND run_id = $2 AND lease = $5)
            """, ids + [.text(status.rawValue), .double(closeTime.timeIntervalSince1970), .int(token)])
        requestWaiting = false
    }

    /// A request is looked for in the database when the last append saw one waiting, or
    /// when that answer is older than `requestFreshness`: the engine asks before every step,
    /// and between appends a step is a few microseconds, so a request posted meanwhile is
    /// seen at the next append or within that time, as it would be a step later anyway.
    func pendingRequest() -> RunRequest? {
        if !requestWaiting, let checked = requestCheckedAt, ContinuousClock.now - checked < Self.requestFreshness { return nil }
        let request = store.pendingRequest(for: run)
        requestWaiting = request != nil
        requestCheckedAt = .now
        return request
    }

    static let requestFreshness = Duration.milliseconds(50)

    func clearRequest(_ kind: RunRequest.Kind) {
        store.clearRequest(kind, of: run)
        requestCheckedAt = nil
    }

    func release() {
        guard !released else { return }
        released = true
        store.release(run)
    }

    deinit { release() }
}

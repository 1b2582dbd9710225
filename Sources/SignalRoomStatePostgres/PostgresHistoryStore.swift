import Foundation
import NIOConcurrencyHelpers
import SignalRoomCore
import SignalRoomEngine
import SignalRoomWarehouse

/// Histories in PostgreSQL, so several hosts share one state (DESIGN §9), with the file
/// store's guarantees kept by the database rather than by `flock`:
/// - one open run per workflow id: a partial unique index; creating a run takes a
///   transaction-level advisory lock on the id, so "never used" is checked and the run
///   inserted as one step however many hosts fire the same time;
/// - ownership: a session-level advisory lock on the owner's connection, released by the
///   server when the process dies and its connection drops;
/// - fencing: each claim bumps the run's `lease` token, and an append commits only while
///   the token and the next event id are what the owner last saw, so a process that lost
///   its hold can never add an event;
/// - write-ahead: `append` returns once its transaction committed; a closing event and the
///   run's closed status commit together, so the index can never disagree with a history.
public final class PostgresHistoryStore: HistoryStore, @unchecked Sendable {
    public let state: PostgresState
    var connection: StateConnection { state.connection }
    var table: StateTables { state.tables }
    public var schema: String { state.schema }
    /// Runs whose lease this process holds: advisory locks are re-entrant on one
    /// connection, but a second claim from the same process must be refused as `flock` is.
    private let held = NIOLockedValueBox(Set<RunReference>())

    public init(state: PostgresState) { self.state = state }

    /// Connects and brings the schema up to date. `schema` defaults to `signalroom_state`.
    public convenience init(url: String, schema: String = PostgresState.defaultSchema) throws {
        self.init(state: try PostgresState(url: url, schema: schema))
    }

    /// `user@host:port/database`, for messages.
    public var location: String { state.location }
    /// The server process of this store's connection (what `pg_terminate_backend` takes).
    public var backendPID: Int { state.backendPID }

    /// The two keys of a run's advisory lock (the schema is part of the first, so stores in
    /// different schemas of one database never contend).
    func lockKeys(_ run: RunReference) -> (Int, Int) {
        (
            Int(Int32(bitPattern: CRC32.checksum(Array((schema + "/" + run.workflowId).utf8)))),
            Int(Int32(bitPattern: CRC32.checksum(Array(run.runId.utf8))))
        )
    }

    static func line(_ event: HistoryEvent) throws -> String { String(decoding: try EventLineCodec.encode(event), as: UTF8.self) }

    public func createRun(
        workflowId: String, workflowType: String, runId: String, started: HistoryEvent, onlyIfNeverUsed: Bool
    ) throws -> any RunLease {
        try WorkflowId.validate(workflowId)
        let run = RunReference(workflowId: workflowId, runId: runId)
        let line = try Self.line(started)
        let (key1, key2) = lockKeys(run)
        do {
            try connection.transaction { transaction in
                try transaction.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(schema + "/" + workflowId)])
                if let open = try transaction.query(
                    "SELECT run_id FROM \(table.runs) WHERE workflow_id = $1 AND status = 'running'", [.text(workflowId)]
                ).first?[0] {
                    throw WorkflowStoreError.alreadyRunning(workflowId: workflowId, runId: open)
                }
                if onlyIfNeverUsed,
                    let earlier = try transaction.query("SELECT max(run_id) FROM \(table.runs) WHERE workflow_id = $1", [.text(workflowId)])
                        .first?[0]
                {
                    throw WorkflowStoreError.alreadyUsed(workflowId: workflowId, runId: earlier)
                }
                try transaction.query(
                    """
                    INSERT INTO \(table.runs) (workflow_id, run_id, workflow_type, start_time, next_event_id, lease)
                    VALUES ($1, $2, $3, $4, 2, 1)
                    """, [.text(workflowId), .text(runId), .text(workflowType), .double(started.time.timeIntervalSince1970)])
                try transaction.query(
                    "INSERT INTO \(table.events) (workflow_id, run_id, event_id, line) VALUES ($1, $2, 1, $3)",
                    [.text(workflowId), .text(runId), .text(line)])
                // Locked before the commit makes the run visible: no other host can claim it
                // in between (a session lock taken in a transaction outlives it).
                try transaction.query("SELECT pg_advisory_lock($1::int, $2::int)", [.int(key1), .int(key2)])
            }
        } catch {
            _ = try? connection.query("SELECT pg_advisory_unlock($1::int, $2::int)", [.int(key1), .int(key2)])
            throw error
        }
        held.withLockedValue { _ = $0.insert(run) }
        return PostgresRunLease(store: self, run: run, workflowType: workflowType, events: [started], token: 1, nextEventId: 2)
    }

    public func claim(_ run: RunReference) throws -> any RunLease {
        try WorkflowId.validate(run.workflowId)
        guard try runExists(run) else { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
        let alreadyHeld = held.withLockedValue { !$0.insert(run).inserted }
        guard !alreadyHeld else { throw WorkflowStoreError.runLocked(workflowId: run.workflowId, runId: run.runId) }
        let (key1, key2) = lockKeys(run)
        do {
            guard try connection.query("SELECT pg_try_advisory_lock($1::int, $2::int)", [.int(key1), .int(key2)]).first?[0] == "t" else {
                throw WorkflowStoreError.runLocked(workflowId: run.workflowId, runId: run.runId)
            }
            // The new token fences out whoever held the run before (see `append`).
            // Committed before it is used (see `StateConnection.transaction`).
            let bumped = try connection.transactionOfOne(
                "UPDATE \(table.runs) SET lease = lease + 1 WHERE workflow_id = $1 AND run_id = $2 RETURNING lease, next_event_id, workflow_type",
                [.text(run.workflowId), .text(run.runId)])
            guard let row = bumped.first, let token = row[0].flatMap({ Int($0) }), let next = row[1].flatMap({ Int($0) }) else {
                throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId)
            }
            let events = try history(of: run)
            guard case .workflowExecutionStarted? = events.first?.attributes else {
                throw HistoryDamagedError(path: place(run), line: 1, reason: "the history does not begin with WorkflowExecutionStarted")
            }
            return PostgresRunLease(store: self, run: run, workflowType: row[2] ?? "unknown", events: events, token: token, nextEventId: next)
        } catch {
            release(run)
            throw error
        }
    }

    /// Gives up the run's advisory lock (a no-op when the connection is gone: so is the lock).
    func release(_ run: RunReference) {
        let (key1, key2) = lockKeys(run)
        _ = try? connection.query("SELECT pg_advisory_unlock($1::int, $2::int)", [.int(key1), .int(key2)])
        held.withLockedValue { _ = $0.remove(run) }
    }

    /// How messages name a run's history in this store.
    /// (`…/<id>/<run>` last, as a file path ends, so `HistoryDamagedError` names the id.)
    public func historyPlace(of run: RunReference) -> String { place(run) }

    func place(_ run: RunReference) -> String { "postgres://\(location)/\(schema).events/\(run.workflowId)/\(run.runId)" }

    func runExists(_ run: RunReference) throws -> Bool {
        try !connection.query(
            "SELECT 1 FROM \(table.runs) WHERE workflow_id = $1 AND run_id = $2", [.text(run.workflowId), .text(run.runId)]
        ).isEmpty
    }

    func lines(of run: RunReference) throws -> Data {
        let rows = try connection.query(
            "SELECT line FROM \(table.events) WHERE workflow_id = $1 AND run_id = $2 ORDER BY event_id",
            [.text(run.workflowId), .text(run.runId)])
        var data = Data()
        for row in rows { data.append(contentsOf: Array((row[0] ?? "").utf8)) }
        return data
    }

    public func history(of run: RunReference) throws -> [HistoryEvent] {
        try WorkflowId.validate(run.workflowId)
        let data = try lines(of: run)
        if data.isEmpty, try !runExists(run) { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
        return try EventLineCodec.decode(data, path: place(run)).events
    }

    public func currentRun(of workflowId: String) throws -> RunReference {
        try WorkflowId.validate(workflowId)
        let rows = try connection.query(
            """
            SELECT run_id FROM \(table.runs) WHERE workflow_id = $1
            ORDER BY (status = 'running') DESC, run_id DESC LIMIT 1
            """, [.text(workflowId)])
        guard let runId = rows.first?[0] else { throw WorkflowStoreError.notFound(workflowId: workflowId) }
        return RunReference(workflowId: workflowId, runId: runId)
    }

    public func isClaimed(_ run: RunReference) -> Bool {
        if held.withLockedValue({ $0.contains(run) }) { return true }
        let (key1, key2) = lockKeys(run)
        let rows = try? connection.query(
            """
            SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
              AND classid::bigint = $1 AND objid::bigint = $2
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, [.int(Int(UInt32(bitPattern: Int32(key1)))), .int(Int(UInt32(bitPattern: Int32(key2))))])
        return !(rows?.isEmpty ?? true)
    }

    public func openRuns() throws -> [OpenRunEntry] {
        try connection.query(
            """
            SELECT workflow_id, run_id, workflow_type, start_time::text AS start_text, wake_up_time::text AS wake_text
            FROM \(table.runs) WHERE status = 'running' ORDER BY start_time, run_id
            """
        ).map { row in
            OpenRunEntry(
                workflowId: row[0] ?? "", runId: row[1] ?? "", workflowType: row[2] ?? "", startTime: Self.date(row[3]) ?? Date(),
                wakeUpTime: Self.date(row[4]))
        }
    }

    public func closedRuns() throws -> [ClosedRunEntry] {
        try closedEntries(
            try connection.query(
                """
                SELECT workflow_id, run_id, workflow_type, status, start_time::text AS start_text, close_time::text AS close_text
                FROM \(table.runs) WHERE status <> 'running' ORDER BY start_time, run_id
                """))
    }

    /// One index scan, backwards, that stops after `limit` rows (`runs_closed_by_start`).
    public func newestClosedRuns(_ query: ClosedRunQuery) throws -> [ClosedRunEntry] {
        var values: [StateValue] = [.int(query.limit)]
        var conditions = ["status <> 'running'"]
        func bind(_ value: StateValue) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        if let workflowType = query.workflowType { conditions.append("workflow_type = \(bind(.text(workflowType)))") }
        if let statuses = query.statuses {
            if statuses.isEmpty { return [] }
            conditions.append("status = ANY(\(bind(.texts(statuses.map(\.rawValue).sorted()))))")
        }
        if let text = query.idContains, !text.isEmpty { conditions.append("strpos(workflow_id, \(bind(.text(text)))) > 0") }
        if let scheduleId = query.scheduleId {
            // The same test as `ClosedRunQuery.isRun`, without LIKE and its wildcards.
            let prefix = scheduleId + "-"
            conditions.append(
                "left(workflow_id, \(bind(.int(prefix.count)))::int) = \(bind(.text(prefix)))"
                    + " AND length(workflow_id) = \(bind(.int(prefix.count + ClosedRunQuery.fireTimeSuffixLength)))"
                    + " AND substr(workflow_id, \(prefix.count + 1)) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'")
        }
        if let from = query.startedFrom { conditions.append("start_time >= \(bind(.double(from.timeIntervalSince1970)))") }
        if let before = query.startedBefore { conditions.append("start_time < \(bind(.double(before.timeIntervalSince1970)))") }
        if let after = query.after {
            conditions.append(
                "(start_time, run_id) < (\(bind(.double(after.startTime.timeIntervalSince1970))), \(bind(.text(after.runId))))")
        }
        return try closedEntries(
            try connection.query(
                """
                SELECT workflow_id, run_id, workflow_type, status, start_time::text AS start_text, close_time::text AS close_text
                FROM \(table.runs) WHERE \(conditions.joined(separator: " AND ")) ORDER BY start_time DESC, run_id DESC LIMIT $1
                """, values))
    }

    private func closedEntries(_ rows: [[String?]]) -> [ClosedRunEntry] {
        rows.map { row in
            ClosedRunEntry(
                workflowId: row[0] ?? "", runId: row[1] ?? "", workflowType: row[2] ?? "",
                status: RunStatus(rawValue: row[3] ?? "") ?? .failed, startTime: Self.date(row[4]) ?? Date(),
                closeTime: Self.date(row[5]) ?? Date())
        }
    }

    static func date(_ text: String?) -> Date? { text.flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }

    public func post(_ request: RunRequest, to run: RunReference) throws {
        let body = String(decoding: try JSONCoding.encoder.encode(request), as: UTF8.self)
        let inserted = try connection.transactionOfOne(
            """
            INSERT INTO \(table.requests) (workflow_id, run_id, kind, body)
            SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM \(table.runs) WHERE workflow_id = $1 AND run_id = $2)
            ON CONFLICT (workflow_id, run_id, kind) DO UPDATE SET body = excluded.body RETURNING 1
            """, [.text(run.workflowId), .text(run.runId), .text(request.kind.rawValue), .text(body)])
        guard !inserted.isEmpty else { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
    }

    public func pendingRequest(for run: RunReference) -> RunRequest? {
        let rows = try? connection.query(
            "SELECT body FROM \(table.requests) WHERE workflow_id = $1 AND run_id = $2 ORDER BY (kind = 'terminate') DESC",
            [.text(run.workflowId), .text(run.runId)])
        for row in rows ?? [] {
            if let body = row[0], let request = try? JSONCoding.decoder.decode(RunRequest.self, from: Data(body.utf8)) { return request }
        }
        return nil
    }

    func clearRequest(_ kind: RunRequest.Kind, of run: RunReference) {
        _ = try? connection.query(
            "DELETE FROM \(table.requests) WHERE workflow_id = $1 AND run_id = $2 AND kind = $3",
            [.text(run.workflowId), .text(run.runId), .text(kind.rawValue)])
    }

    /// The damaged lines go to `damaged_histories`; the run gets the readable events plus
    /// `closing`, in one transaction.
    public func closeDamagedRun(_ run: RunReference, closing: ([HistoryEvent], _ keptAt: String) -> HistoryEvent) throws -> String {
        try WorkflowId.validate(run.workflowId)
        guard try runExists(run) else { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
        guard !isClaimed(run) else { throw WorkflowStoreError.runLocked(workflowId: run.workflowId, runId: run.runId) }
        let data = try lines(of: run)
        let (readable, damage) = EventLineCodec.decodeReadablePrefix(data, path: place(run))
        guard damage != nil else { throw WorkflowStoreError.notDamaged(workflowId: run.workflowId, runId: run.runId) }
        let now = Date()
        let keptAt = "\(location) \(schema).damaged_histories (\(run.workflowId)/\(run.runId), kept at \(Timestamp.format(now)))"
        try connection.transaction { transaction in
            let ids = [StateValue.text(run.workflowId), .text(run.runId)]
            try transaction.query(
                "INSERT INTO \(table.damaged) (workflow_id, run_id, kept_at, lines) VALUES ($1, $2, $3, $4)",
                ids + [.double(now.timeIntervalSince1970), .text(String(decoding: data, as: UTF8.self))])
            try transaction.query("DELETE FROM \(table.events) WHERE workflow_id = $1 AND run_id = $2", ids)
            guard case .workflowExecutionStarted? = readable.first?.attributes else {
                try transaction.query("DELETE FROM \(table.runs) WHERE workflow_id = $1 AND run_id = $2", ids)
                return
            }
            let last = closing(readable, keptAt)
            let all = readable + [last]
            for (index, event) in all.enumerated() {
                try transaction.query(
                    "INSERT INTO \(table.events) (workflow_id, run_id, event_id, line) VALUES ($1, $2, $3, $4)",
                    ids + [.int(index + 1), .text(try Self.line(event))])
            }
            try transaction.query(
                """
                UPDATE \(table.runs) SET status = $3, close_time = $4, wake_up_time = NULL, next_event_id = $5, lease = lease + 1
                WHERE workflow_id = $1 AND run_id = $2
                """,
                ids + [
                    .text((last.attributes.closingStatus ?? .terminated).rawValue), .double(last.time.timeIntervalSince1970),
                    .int(all.count + 1),
                ])
        }
        return keptAt
    }

    public func prune(closedBefore cutoff: Date) throws -> Int {
        try connection.transactionOfOne(
            "DELETE FROM \(table.runs) WHERE status <> 'running' AND close_time < $1 RETURNING 1", [.double(cutoff.timeIntervalSince1970)]
        ).count
    }

    /// The index is the `runs` table, kept in the same transactions as the events, so there
    /// is nothing to rebuild; every history is read to find the damaged ones.
    @discardableResult
    public func rebuildIndex() throws -> [HistoryDamagedError] {
        var damaged: [HistoryDamagedError] = []
        for row in try connection.query("SELECT workflow_id, run_id FROM \(table.runs) ORDER BY workflow_id, run_id") {
            let run = RunReference(workflowId: row[0] ?? "", runId: row[1] ?? "")
            if let damage = EventLineCodec.decodeReadablePrefix(try lines(of: run), path: place(run)).damage { damaged.append(damage) }
        }
        return damaged
    }

    /// Deletes this store's schema and everything in it (for tests and `state copy` back).
    public func dropSchema() throws { try state.dropSchema() }
}

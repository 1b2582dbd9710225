import Foundation
import SignalRoomCore
import SignalRoomWarehouse

/// One process's connection to the PostgreSQL state (`SIGNALROOM_STATE_URL`) and the stores
/// that share it: histories and run logs, schedules, `run-due` pass records, the alert
/// ledger. One connection, because it is the owner's identity (the advisory locks of the
/// runs and schedules this process holds live on it) and because a quiet `run-due` should
/// pay for one connect, not four.
public final class PostgresState: @unchecked Sendable {
    public let schema: String
    let connection: StateConnection
    let tables: StateTables

    /// Connects and brings the schema up to date. `schema` defaults to `signalroom_state`.
    public init(url: String, schema: String = PostgresState.defaultSchema) throws {
        let parsed: PostgresURL
        do { parsed = try PostgresURL(url) } catch WarehouseError.invalidDatabaseURL(let reason) {
            throw PostgresStateError.invalidURL(reason: reason)
        }
        self.schema = schema
        connection = try StateConnection.connect(parsed)
        tables = StateTables(schema: schema)
        do { try StateSchema.migrate(connection, schema: schema) } catch {
            connection.close()
            throw error
        }
    }

    deinit { connection.close() }

    public static let defaultSchema = "signalroom_state"

    /// `user@host:port/database`, for messages.
    public var location: String { connection.location }
    /// The server process of this connection (what `pg_terminate_backend` takes).
    public var backendPID: Int { connection.backendPID }

    /// Deletes the schema and everything in it (for tests and `state copy` back).
    public func dropSchema() throws {
        try connection.query("DROP SCHEMA IF EXISTS \(StateSchema.quoted(schema)) CASCADE")
    }

    /// A lock key that cannot meet a run's: runs use the two-int form of the advisory lock
    /// functions, these the one-bigint form, which PostgreSQL keeps apart (`objsubid`).
    func lockKey(_ kind: String, _ name: String) -> Int {
        let high = UInt64(CRC32.checksum(Array((schema + "/" + kind).utf8)))
        let low = UInt64(CRC32.checksum(Array(name.utf8)))
        return Int(bitPattern: UInt(high << 32 | low))
    }
}

/// The schema-qualified names of the state's tables.
struct StateTables: Sendable {
    let runs: String
    let events: String
    let requests: String
    let damaged: String
    let runLogs: String
    let schedules: String
    let passes: String
    let alerts: String

    init(schema: String) {
        let s = StateSchema.quoted(schema)
        runs = "\(s).runs"
        events = "\(s).events"
        requests = "\(s).requests"
        damaged = "\(s).damaged_histories"
        runLogs = "\(s).run_logs"
        schedules = "\(s).schedules"
        passes = "\(s).run_due_passes"
        alerts = "\(s).alerts"
    }
}

extension PostgresState {
    /// For `bench/`: the median microseconds of a one-row INSERT of a 200-byte line, one
    /// statement in its own transaction as an append is: one round trip and one commit, the
    /// floor under any store that commits each event on this connection.
    public func benchCommitFloor(samples: Int) throws -> Double {
        let table = StateSchema.quoted(schema) + ".bench_floor"
        try connection.query("CREATE TABLE IF NOT EXISTS \(table) (id bigserial PRIMARY KEY, line text NOT NULL)")
        defer { _ = try? connection.query("DROP TABLE IF EXISTS \(table)") }
        let line = String(repeating: "x", count: 200)
        return try Self.medianMicroseconds(samples) { try connection.query("INSERT INTO \(table) (line) VALUES ($1)", [.text(line)]) }
    }

    /// For `bench/`: the median microseconds of `workflow list --limit 20`'s query on this
    /// connection (the command adds its start-up and the connection's set-up).
    public func benchNewestClosedRuns(samples: Int) throws -> Double {
        let store = PostgresHistoryStore(state: self)
        return try Self.medianMicroseconds(samples) { _ = try store.newestClosedRuns(limit: 20, workflowType: nil, statuses: nil) }
    }

    static func medianMicroseconds(_ samples: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<samples {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        times.sort()
        return times[times.count / 2]
    }
}

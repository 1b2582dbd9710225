import Foundation
import SignalRoomCore
import SignalRoomScheduler

/// Registered schedules as rows of `schedules` (the JSON the file store keeps), each
/// changed under a session advisory lock on the process's state connection: it holds across
/// hosts, and the server releases it if the holder dies mid-change.
public struct PostgresScheduleStore: ScheduleStore {
    public let state: PostgresState

    public init(state: PostgresState) { self.state = state }

    private var table: String { state.tables.schedules }

    public func place(_ id: String) -> String { "postgres://\(state.location)/\(state.schema).schedules/\(id)" }

    public func ids() throws -> [String] {
        try state.connection.query("SELECT id FROM \(table) ORDER BY id COLLATE \"C\"").compactMap { $0[0] }
    }

    public func read(_ id: String) throws -> ScheduleState? {
        guard let text = try state.connection.query("SELECT state FROM \(table) WHERE id = $1", [.text(id)]).first?[0] else { return nil }
        return try decode(text, id: id)
    }

    public func readAll() throws -> [(id: String, state: Result<ScheduleState, any Error>)] {
        try state.connection.query("SELECT id, state FROM \(table) ORDER BY id COLLATE \"C\"").map { row in
            let id = row[0] ?? ""
            return (id, Result { try decode(row[1] ?? "", id: id) })
        }
    }

    private func decode(_ text: String, id: String) throws -> ScheduleState {
        try ScheduleState(encoded: Data(text.utf8), place: place(id))
    }

    public func write(_ schedule: ScheduleState, id: String) throws {
        let text = String(decoding: try schedule.encoded(), as: UTF8.self)
        try state.connection.transactionOfOne(
            "INSERT INTO \(table) (id, state) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET state = excluded.state", [.text(id), .text(text)])
    }

    public func delete(_ id: String) throws {
        try state.connection.transactionOfOne("DELETE FROM \(table) WHERE id = $1", [.text(id)])
    }

    public func withLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        let key = state.lockKey("schedule", id)
        try state.connection.query("SELECT pg_advisory_lock($1::bigint)", [.int(key)])
        defer { _ = try? state.connection.query("SELECT pg_advisory_unlock($1::bigint)", [.int(key)]) }
        return try await body()
    }
}

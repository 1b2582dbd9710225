import Foundation

/// Where registered schedules and their states live, and the lock that serialises every
/// change to one schedule across processes (and hosts): files under `state/schedules/`
/// (`FileScheduleStore`) or the PostgreSQL state.
public protocol ScheduleStore: Sendable {
    /// Ids of registered schedules, sorted.
    func ids() throws -> [String]
    func read(_ id: String) throws -> ScheduleState?
    func write(_ state: ScheduleState, id: String) throws
    func delete(_ id: String) throws
    /// Runs `body` holding the schedule's lock, waiting for whoever holds it.
    func withLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T
    /// How messages name a schedule's state (a path, or a table and key).
    func place(_ id: String) -> String
    /// Every registered schedule's state in id order, each read or the reason it cannot be:
    /// `run-due` looks at all of them every minute, which on PostgreSQL is one query.
    func readAll() throws -> [(id: String, state: Result<ScheduleState, any Error>)]
}

extension ScheduleStore {
    public func readAll() throws -> [(id: String, state: Result<ScheduleState, any Error>)] {
        try ids().compactMap { id in
            do {
                guard let state = try read(id) else { return nil }  // deleted meanwhile
                return (id, .success(state))
            } catch {
                return (id, .failure(error))
            }
        }
    }
}

public enum ScheduleStoreError: Error, Sendable, CustomStringConvertible {
    case damaged(path: String, reason: String)
    case io(path: String, reason: String)
    case notFound(String)

    public var description: String {
        switch self {
        case .damaged(let path, let reason): "schedule state \(path) is damaged (\(reason)); run `signalroom schedule-setup` to register it again"
        case .io(let path, let reason): "\(path): \(reason)"
        case .notFound(let id):
            "no schedule `\(id)` is registered; `signalroom schedule list` shows them, `signalroom schedule-setup` registers schedules.json"
        }
    }
}

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
    /// What identifies the states as they are now, taken before `readAll` so that a note
    /// made from what it read is tied to that moment; nil when the store cannot tell.
    func changeMark() -> ScheduleChangeMark?
    /// Keeps `quietUntil` (no registered schedule can be due before it) for as long as no
    /// state is written after `mark`: a quiet `run-due` then reads no state at all.
    func noteQuiet(until instant: Date, since mark: ScheduleChangeMark)
    /// The kept instant, when no state was written since its mark; nil otherwise.
    func quietNote() -> Date?
}

/// A store's token for "the states as of a moment" (for files: the modification time of
/// their directory, which every write, rename and delete in it moves).
public struct ScheduleChangeMark: Sendable, Equatable {
    public var value: String
    public init(_ value: String) { self.value = value }
}

extension ScheduleStore {
    public func changeMark() -> ScheduleChangeMark? { nil }
    public func noteQuiet(until instant: Date, since mark: ScheduleChangeMark) {}
    public func quietNote() -> Date? { nil }

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

import Foundation
import SignalRoomEngine

/// Brings the registered schedules in line with `schedules.json`. Idempotent: an unchanged
/// schedule keeps its runtime state; a changed one keeps its history of runs and starts
/// counting fire times from now; a removed one is deleted.
public enum ScheduleRegistration {
    public enum Change: String, Sendable {
        case added, updated, unchanged, removed
    }

    public static func reconcile(
        _ specs: [ScheduleSpec], store: any ScheduleStore, now: Date, dryRun: Bool
    ) async throws -> [(id: String, change: Change)] {
        var changes: [(id: String, change: Change)] = []
        let wanted = Set(specs.map(\.id))
        for spec in specs {
            let change: Change = try await store.withLock(spec.id) {
                let existing = try? store.read(spec.id)
                if let existing, existing.source == spec.source { return .unchanged }
                var state = existing ?? ScheduleState(source: spec.source, registeredAt: now)
                if existing != nil {
                    // Counts from now on (also when the file unpauses it: paused times are not replayed).
                    state.source = spec.source
                    state.handledThrough = max(state.handledThrough, now)
                    state.buffered = []
                }
                if !dryRun { try store.write(state, id: spec.id) }
                return existing == nil ? .added : .updated
            }
            changes.append((spec.id, change))
        }
        for id in try store.ids() where !wanted.contains(id) {
            if !dryRun { try store.delete(id) }
            changes.append((id, .removed))
        }
        return changes
    }

    /// Deletes every registered schedule (their runs are left alone).
    public static func deleteAll(store: any ScheduleStore, dryRun: Bool) throws -> [(id: String, change: Change)] {
        try store.ids().map { id in
            if !dryRun { try store.delete(id) }
            return (id, .removed)
        }
    }
}

import Foundation
import SignalRoomRuntime
import SignalRoomWorkflows

/// `sync --dry-run` as it prints: per resource, its table, cursor and what would be read
/// (`SyncOperation.plan`).
enum SyncDryRun {
    static func print(_ plans: [SyncOperation.ResourcePlan], json: Bool) throws {
        if json {
            try Output.json(plans)
            return
        }
        for plan in plans {
            Swift.print(
                "\(plan.source)/\(plan.resource) → \(plan.table) (\(plan.disposition), cursor \(plan.cursor ?? "none")): "
                    + (plan.wouldRead.isEmpty ? "nothing new to read" : "would read \(plan.wouldRead.count):"))
            for item in plan.wouldRead { Swift.print("  \(item)") }
        }
    }
}

import Foundation
import SignalRoomPipelines
import SignalRoomWarehouse
import SignalRoomWorkflows

/// `sync --dry-run`: per resource, its table, cursor and what would be read. Reads the
/// cursors from the warehouse; loads nothing and starts no run (on PostgreSQL, opening the
/// dataset creates its schema and ledger tables if they are missing).
struct SyncDryRun {
    struct Plan: Encodable {
        var source: String
        var resource: String
        var table: String
        var disposition: String
        var cursor: String?
        var wouldRead: [String]
    }

    var sources: [any Source]
    var resources: [String]?
    var startDate: String?
    var endDate: String?
    var fullRefresh: Bool
    var services: PipelineServices
    var json: Bool

    func print() async throws {
        var plans: [Plan] = []
        for source in sources {
            let selected = try await source.resources(named: resources)
            let cursors = fullRefresh ? [:] : try await storedCursors(source)
            for resource in selected {
                let cursor = cursors[resource.name] ?? resource.incremental?.initialValue
                let request = ExtractRequest(cursor: cursor, startDate: startDate, endDate: endDate)
                plans.append(Plan(source: source.name, resource: resource.name, table: "\(source.dataset).\(resource.table)",
                                  disposition: resource.writeDisposition.name, cursor: cursor, wouldRead: try await resource.plan(request)))
            }
        }
        if json {
            try Output.json(plans)
            return
        }
        for plan in plans {
            Swift.print("\(plan.source)/\(plan.resource) → \(plan.table) (\(plan.disposition), cursor \(plan.cursor ?? "none")): "
                        + (plan.wouldRead.isEmpty ? "nothing new to read" : "would read \(plan.wouldRead.count):"))
            for item in plan.wouldRead { Swift.print("  \(item)") }
        }
    }

    /// Cursor values from the warehouse; an embedded warehouse that does not exist yet has none.
    private func storedCursors(_ source: any Source) async throws -> [String: String] {
        let destination = try services.destination()
        if let embedded = destination as? SQLiteWarehouse, !FileManager.default.fileExists(atPath: embedded.databasePath(dataset: source.dataset)) {
            return [:]
        }
        let connection = try await destination.open(dataset: source.dataset)
        let description: DatasetDescription
        do {
            description = try await connection.describe(pipeline: source.name)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return Dictionary(description.cursors.map { ($0.resource, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

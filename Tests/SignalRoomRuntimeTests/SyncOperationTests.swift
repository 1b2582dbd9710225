import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomRuntime
import SignalRoomWorkflows
import Testing

/// `signalroom sync`'s start-or-resume, in process: real histories in a temporary state
/// directory, no binary; the runs are claimed, and one is executed into a real SQLite file.
@Suite struct SyncOperationTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-sync-\(UUID().uuidString)")

    private var engine: WorkflowEngine {
        WorkflowEngine(store: FileHistoryStore(root: root), registry: BuiltinWorkflows.registry())
    }

    private func request(fullRefresh: Bool = false, startDate: String? = nil) -> SyncRequest {
        var request = SyncRequest(sources: ["files"])
        request.fullRefresh = fullRefresh
        request.startDate = startDate.flatMap(CivilDate.init)
        request.endDate = request.startDate
        return request
    }

    @Test func theSameSyncAgainCarriesOnItsUnfinishedRunAndSaysWithWhichOptions() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try SyncOperation.start(request(fullRefresh: true), engine: engine)
        #expect(first.resumedUnfinished == nil && first.workflowType == "SyncSourceWorkflow")
        first.claimed.lease.release()  // as a process that died mid-run
        let again = try SyncOperation.start(request(fullRefresh: true), engine: engine)
        #expect(again.claimed.run == first.claimed.run)
        #expect(again.resumedUnfinished == "--full-refresh")
    }

    @Test func aSyncWithOtherOptionsIsRefusedNamingBothAndTheWayOut() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try SyncOperation.start(request(fullRefresh: true), engine: engine)
        first.claimed.lease.release()
        let refused = #expect(throws: SyncOptionsConflict.self) {
            _ = try SyncOperation.start(request(startDate: "2024-12-02"), engine: engine)
        }
        #expect(refused?.run == first.claimed.run)
        #expect(refused?.description.contains("started with --full-refresh, not --start-date 2024-12-02 --end-date 2024-12-02") == true)
        #expect(refused?.description.contains("--id") == true)
        var separate = request(startDate: "2024-12-02")
        separate.id = "backfill-december"
        #expect(try SyncOperation.start(separate, engine: engine).claimed.run.workflowId == "backfill-december")
    }

    @Test func severalSourcesRunOneScheduledSyncUnderOneDefaultId() throws {
        let request = SyncRequest(sources: ["everflow", "redtrack"])
        #expect(request.workflowId == "sync-everflow-redtrack")
        let (type, input) = try request.workflowInput()
        #expect(type == "ScheduledSyncWorkflow")
        #expect(input["sources"] == .array([.string("everflow"), .string("redtrack")]))
    }

    @Test func aSyncInProcessBuildsEachSourceOnceAndLoadsThroughTheWarehouseItChecked() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let exports = root.appendingPathComponent("exports/orders")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try Data("id,amount\n1,2.50\n2,3.75\n3,10\n".utf8).write(to: exports.appendingPathComponent("orders_2024-12-01.csv"))
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let configuration = RuntimeConfiguration(
            environment: [
                EnvironmentVariable.filesSourceDirectory.name: root.appendingPathComponent("exports").path,
                EnvironmentVariable.modelsDirectory.name: empty.path, EnvironmentVariable.seedsDirectory.name: empty.path,
            ],
            stateDirectory: root)
        let catalog = CountingSources(configuration.sources)
        var services = configuration.pipelineServices(notificationOutput: { _ in })
        services.sources = catalog

        let request = SyncRequest(sources: ["files"])
        let configured = try await SyncOperation.configuredSources(request, services: services)
        let warehouse = try await SyncOperation.checkWarehouse(services, datasets: configured.map(\.dataset))
        let reused = SyncOperation.services(services, reusing: configured, destination: warehouse)
        let engine = WorkflowEngine(store: FileHistoryStore(root: root), registry: BuiltinWorkflows.registry(services: reused))
        let outcome = try await engine.execute(try SyncOperation.start(request, engine: engine).claimed)

        guard case .completed = outcome else {
            Issue.record("the sync did not complete: \(outcome)")
            return
        }
        #expect(catalog.built == ["files"], "built once, by the checks: \(catalog.built)")
        let loaded = try await warehouse.description(ofDataset: "files", pipeline: "files")
        #expect(loaded?.tables.first(where: { $0.name == "orders" })?.rows == 3)
    }
}

/// The real catalog, noting each source it builds.
private final class CountingSources: SourceProvider, @unchecked Sendable {
    private let catalog: SourceCatalog
    private let lock = NSLock()
    private var names: [String] = []

    init(_ catalog: SourceCatalog) {
        self.catalog = catalog
    }

    var built: [String] { lock.withLock { names } }

    func source(named name: String) throws -> any Source {
        lock.withLock { names.append(name) }
        return try catalog.source(named: name)
    }
}

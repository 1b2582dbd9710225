import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomRuntime
import SignalRoomWorkflows
import Testing

/// `signalroom sync`'s start-or-resume, in process: real histories in a temporary state
/// directory, no binary and no warehouse (the runs are claimed, never executed).
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
        first.claimed.lease.release() // as a process that died mid-run
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
}

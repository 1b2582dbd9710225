import Foundation
import Testing

/// `pipeline drop`: a resource's (or a whole source's) tables, cursors and load records go in
/// one step, so the next sync loads from the start; nothing without --yes or while a sync is open.
struct PipelineDropTests {
    @Test(arguments: WarehouseKind.allCases)
    func droppingAResourceResetsItAloneAndTheNextSyncReloadsIt(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", csv(["id", "status"], [["1", "paid"], ["2", "paid"]]))
            try fixture.write("refunds/refunds_2024-12-01.csv", csv(["id", "amount"], [["7", "5.00"]]))
            let sync = try await fixture.sync()
            try #require(sync.status == 0, "\(sync.stderr)")

            let unconfirmed = try await fixture.run(["pipeline", "drop", "files", "--resource", "refunds"])
            #expect(unconfirmed.status == 2 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
            #expect(try await fixture.hasTable("refunds"))

            let dropped = try await fixture.run(["pipeline", "drop", "files", "--resource", "refunds", "--yes", "--json"])
            #expect(dropped.status == 0, "\(dropped.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(dropped.stdout.utf8)) as? [String: Any]
            #expect(object?["tables"] as? [String] == ["refunds"], "\(dropped.stdout)")
            #expect(try await !fixture.hasTable("refunds"))
            #expect(try await fixture.cursor("refunds") == nil)
            #expect(try await fixture.hasTable("orders"))
            #expect(try await fixture.cursor("orders") == "2024-12-01")
            #expect(try await fixture.query("SELECT resource FROM \(fixture.dataset)._signalroom_loads") == ["orders"])

            let again = try await fixture.sync()
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await fixture.query("SELECT id FROM \(fixture.dataset).refunds") == ["7"], "reloaded from the start")

            let missing = try await fixture.run(["pipeline", "drop", "files", "--resource", "returns", "--yes"])
            #expect(missing.status == 4, "\(missing.stderr)")
            let all = try await fixture.run(["pipeline", "drop", "files", "--yes"])
            #expect(all.status == 0 && all.stdout.contains("\(fixture.dataset).orders"), "\(all.stdout)\(all.stderr)")
            #expect(try await !fixture.hasTable("orders"))
            #expect(try await !fixture.hasTable("refunds"))
            let loads = try await fixture.run(["pipeline", "loads", "files"])
            #expect(loads.stdout == "no loads of files\n", "\(loads.stdout)")
        }
    }

    @Test func aSourceWithAnOpenSyncIsNotDropped() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", csv(["id", "status"], [["1", "paid"]]))
            let first = try await fixture.sync()
            try #require(first.status == 0, "\(first.stderr)")
            // A sync whose process died after its first event: open, held by nobody.
            let killed = try await fixture.sync(["--full-refresh"], environment: ["SIGNALROOM_TEST_KILL_AFTER_EVENT": "1"])
            #expect(killed.killedBySignal, "\(killed.stderr)")
            let refused = try await fixture.run(["pipeline", "drop", "files", "--yes"])
            #expect(refused.status == 3 && refused.stderr.contains("workflow cancel sync-files"), "\(refused.stderr)")
            #expect(try await fixture.hasTable("orders"))
        }
    }
}

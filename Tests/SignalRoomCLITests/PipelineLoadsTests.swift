import Foundation
import Testing

/// `pipeline loads`: every load of a source, newest first, the failed ones with their errors.
struct PipelineLoadsTests {
    @Test(arguments: WarehouseKind.allCases)
    func loadsListsNewestFirstAndFailedShowsOnlyFailuresWithTheirErrors(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            let never = try await fixture.run(["pipeline", "loads", "files"])
            #expect(never.status == 4 && never.stderr.contains("has never been loaded"), "\(never.stderr)")
            try fixture.write("orders/orders_2024-12-01.csv", "id,status\n1,paid\n")
            let good = try await fixture.sync()
            try #require(good.status == 0, "\(good.stderr)")
            try fixture.write("orders/orders_2024-12-02.csv", "id,status\n2,paid,extra\n")
            let bad = try await fixture.sync(["--no-notify-on-failure"])
            #expect(bad.status == 1)

            let all = try await fixture.run(["pipeline", "loads", "files", "--json"])
            #expect(all.status == 0, "\(all.stderr)")
            let loads = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
            #expect(loads.map { $0["status"] as? String ?? "" } == ["failed", "completed"], "\(loads)")
            let failed = try await fixture.run(["pipeline", "loads", "files", "--failed"])
            #expect(failed.status == 0, "\(failed.stderr)")
            #expect(!failed.stdout.contains("completed"), "\(failed.stdout)")
            #expect(failed.stdout.contains("orders/orders_2024-12-02.csv") && failed.stdout.contains("line 2"), "\(failed.stdout)")
            let one = try await fixture.run(["pipeline", "loads", "files", "--limit", "1", "--json"])
            let limited = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]]
            #expect(limited?.count == 1 && limited?.first?["status"] as? String == "failed")
        }
    }
}

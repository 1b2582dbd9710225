import Foundation
import Testing

/// A sync that keeps dying or failing must not give up its staged rows while it makes
/// progress, must say at once in the ledger that it failed, and the same sync run again
/// carries on with what was staged; a different sync never silently takes over its run.
@Suite struct SyncResumptionTests {
    static let days = 8
    static let rowsPerDay = 100

    private func writeOrders(_ fixture: SyncFixture) throws {
        for day in 1...Self.days {
            let rows = (1...Self.rowsPerDay).map { row in [String((day - 1) * Self.rowsPerDay + row), "2024-12-0\(day)", "12.50"] }
            try fixture.write("orders/orders_2024-12-0\(day).csv", csv(["id", "created_at", "amount"], rows))
        }
    }

    /// One chunk per day's file.
    private let chunked = ["SIGNALROOM_LOAD_CHUNK_ROWS": String(Self.rowsPerDay)]

    private func ledger(_ fixture: SyncFixture) async throws -> [String] {
        try await fixture.query("SELECT load_id, status, rows FROM \(fixture.dataset)._signalroom_loads ORDER BY started")
    }

    @Test(arguments: WarehouseKind.allCases)
    func aLoadKilledMoreOftenThanItsAttemptsFinishesWhileEachAttemptCommitsChunks(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try writeOrders(fixture)
            var kills = 0
            var last: CLIHarness.Result?
            for _ in 0..<(Self.days * 3) {
                let result = try await fixture.sync(environment: chunked.merging(["SIGNALROOM_TEST_KILL_AT": "staged:1"]) { $1 })
                if !result.killedBySignal { last = result; break }
                kills += 1
            }
            #expect(kills > 5, "more deaths than the default 5 attempts")
            #expect(last?.status == 0, "\(last?.stderr ?? "still dying")")
            #expect(try await fixture.count("orders") == Self.days * Self.rowsPerDay)
            let loads = try await ledger(fixture)
            #expect(loads.count == 1 && loads[0].hasSuffix("|completed|\(Self.days * Self.rowsPerDay)"), "\(loads)")
        }
    }

    /// Dies once after committing a chunk, then keeps dying before it gets further until its
    /// attempts run out: the sync fails with rows staged.
    private func failWithRowsStaged(_ fixture: SyncFixture, _ options: [String] = []) async throws -> CLIHarness.Result {
        let first = try await fixture.sync(options, environment: chunked.merging(["SIGNALROOM_TEST_KILL_AT": "staged:1"]) { $1 })
        #expect(first.killedBySignal, "\(first.stderr)")
        for _ in 0..<10 {
            let result = try await fixture.sync(options, environment: chunked.merging(["SIGNALROOM_TEST_KILL_AT": "begun"]) { $1 })
            if !result.killedBySignal { return result }
        }
        Issue.record("the sync never gave up")
        throw CancellationError()
    }

    @Test(arguments: WarehouseKind.allCases)
    func aFailedLoadIsMarkedAtOnceAndTheSameSyncRunAgainResumesItsStagedRows(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try writeOrders(fixture)
            let failed = try await failWithRowsStaged(fixture)
            #expect(failed.status == 1, "\(failed.stderr)")
            let marked = try await ledger(fixture)
            #expect(marked.count == 1 && marked[0].hasSuffix("|failed_resumable|\(Self.rowsPerDay)"), "\(marked)")
            #expect(try await fixture.stageTables().count == 1, "the staged rows are kept for a resume")
            let loadId = String(marked[0].split(separator: "|")[0])

            let again = try await fixture.sync(environment: chunked)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stderr.contains("resuming the loads staged by failed run"))
            #expect(try await fixture.count("orders") == Self.days * Self.rowsPerDay)
            #expect(try await ledger(fixture) == ["\(loadId)|completed|\(Self.days * Self.rowsPerDay)"])
            #expect(try await fixture.stageTables().isEmpty)
        }
    }

    @Test func aFailedLoadIsDroppedByASyncWithOtherOptions() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try writeOrders(fixture)
            _ = try await failWithRowsStaged(fixture)
            let other = try await fixture.sync(["--full-refresh"], environment: chunked)
            #expect(other.status == 0, "\(other.stderr)")
            #expect(!other.stderr.contains("resuming"))
            let loads = try await ledger(fixture)
            #expect(loads.count == 2 && loads[0].contains("|abandoned|") && loads[1].contains("|completed|"), "\(loads)")
            #expect(try await fixture.stageTables().isEmpty)
        }
    }

    @Test func aChangedSyncCommandRefusesToTakeOverAnUnfinishedRunWithOtherOptions() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try writeOrders(fixture)
            let killed = try await fixture.sync(["--full-refresh"], environment: chunked.merging(["SIGNALROOM_TEST_KILL_AT": "staged:1"]) { $1 })
            #expect(killed.killedBySignal)
            let changed = try await fixture.sync(["--start-date", "2024-12-02", "--end-date", "2024-12-02"], environment: chunked)
            #expect(changed.status == 3, "\(changed.stderr)")
            #expect(changed.stderr.contains("started with --full-refresh, not --start-date 2024-12-02 --end-date 2024-12-02"))
            #expect(changed.stderr.contains("--id"))
            #expect(changed.stderr.split(separator: "\n").count == 1)
            let same = try await fixture.sync(["--full-refresh"], environment: chunked)
            #expect(same.status == 0, "\(same.stderr)")
            #expect(same.stderr.contains("resuming unfinished run") && same.stderr.contains("(--full-refresh)"))
            #expect(try await fixture.count("orders") == Self.days * Self.rowsPerDay)
        }
    }

    @Test func anUnknownResourceIsAUsageError() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try writeOrders(fixture)
            let result = try await fixture.sync(["--resources", "ordres"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("--resources: source files has no resource \"ordres\"; it has: orders"))
        }
    }

    @Test func pipelineInfoReadsTheWarehouseWithoutTheSourcesCredentials() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try writeOrders(fixture)
            #expect(try await fixture.sync().status == 0)
            let info = try await fixture.run(["pipeline", "info", "files"], environment: ["FILES_SOURCE_DIR": ""])
            #expect(info.status == 0, "\(info.stderr)")
            #expect(info.stdout.contains("\(fixture.dataset).orders"))
            let everflow = try await fixture.run(["pipeline", "info", "everflow"], environment: ["EVERFLOW_API_KEY": ""])
            #expect(everflow.status == 4, "\(everflow.stderr)")
            #expect(everflow.stderr.contains("has never been loaded"))
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func pipelineInfoOfANeverLoadedSourceSaysSoAndCreatesNothing(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            let info = try await fixture.run(["pipeline", "info", "files"])
            #expect(info.status == 4, "\(info.stdout) \(info.stderr)")
            #expect(info.stderr.contains("source files has never been loaded: no dataset \(fixture.dataset)"), "\(info.stderr)")
            switch kind {
            case .sqlite: #expect(!FileManager.default.fileExists(atPath: fixture.databasePath))
            case .postgres:
                let schemas = try await fixture.scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '\(fixture.dataset)'")
                #expect(schemas == "0", "a read-only command must not create the schema")
            }
        }
    }
}

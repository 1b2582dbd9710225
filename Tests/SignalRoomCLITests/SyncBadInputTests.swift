import Foundation
import Testing

/// Bad exports and bad warehouse settings: one clear error naming the file and line or the
/// connection (never the password), a non-zero exit, and nothing half-loaded.
@Suite(.serialized)
struct SyncBadInputTests {
    static let header = ["id", "status"]

    /// Loads a good day, adds `bad` as the next day's file beside another good one, and
    /// checks that the failed sync left the table, the cursor and the ledger as they were.
    func expectRejected(
        _ kind: WarehouseKind, file name: String, _ bytes: Data,
        mentioning expected: [String]
    ) async throws {
        try await SyncFixture.with(kind) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", csv(Self.header, [["1", "paid"], ["2", "paid"]]))
            let first = try await fixture.sync()
            #expect(first.status == 0, "\(first.stderr)")
            let before = try await fixture.query("SELECT id, status, _load_id FROM \(fixture.dataset).orders ORDER BY id")

            // Rows of a good file that comes before the bad one in the same load must not land.
            try fixture.write("orders/orders_2024-12-02.csv", csv(Self.header, (3...300).map { [String($0), "new"] }))
            try fixture.write("orders/\(name)", bytes)
            let result = try await fixture.sync(["--no-notify-on-failure"], environment: ["SIGNALROOM_LOAD_CHUNK_ROWS": "100"])
            #expect(result.status == 1, "\(name): exit \(result.status): \(result.stderr)")
            let output = result.stdout + result.stderr
            for text in expected {
                #expect(output.contains(text), "\(name): the error should mention \(text): \(output)")
            }
            #expect(!output.contains("Fatal error") && !output.contains("Stack dump"), "\(output)")
            #expect(try await fixture.query("SELECT id, status, _load_id FROM \(fixture.dataset).orders ORDER BY id") == before, "\(name)")
            #expect(try await fixture.cursor("orders") == "2024-12-01")
            #expect(try await fixture.stageTables().isEmpty)
            let failed = try await fixture.query("SELECT status FROM \(fixture.dataset)._signalroom_loads ORDER BY started")
            #expect(failed == ["completed", "failed"], "\(name): \(failed)")
            // Bad data is not retried: one attempt.
            let history = try fixture.cli.historyLines("sync-files")
            #expect(history.filter { $0.eventType == "ActivityTaskStarted" }.count == 1)
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func raggedRowNamesFileAndLine(_ kind: WarehouseKind) async throws {
        let text = "id,status\n10,ok\n11,ok,extra\n12,ok\n"
        try await expectRejected(
            kind, file: "orders_2024-12-03.csv", Data(text.utf8),
            mentioning: ["orders/orders_2024-12-03.csv", "line 3", "3 fields, the header has 2"])
    }

    @Test(arguments: WarehouseKind.allCases)
    func invalidUTF8NamesFileAndLine(_ kind: WarehouseKind) async throws {
        var bytes = Data("id,status\n10,ok\n11,caf".utf8)
        bytes.append(contentsOf: [0xE9, 0x0A])  // Latin-1 é, not UTF-8
        try await expectRejected(
            kind, file: "orders_2024-12-03.csv", bytes,
            mentioning: ["orders/orders_2024-12-03.csv", "line 3", "invalid UTF-8"])
    }

    @Test func emptyFileIsNamed() async throws {
        try await expectRejected(
            .sqlite, file: "orders_2024-12-03.csv", Data(),
            mentioning: ["orders/orders_2024-12-03.csv is empty"])
    }

    @Test func headerOnlyFileIsNamed() async throws {
        try await expectRejected(
            .sqlite, file: "orders_2024-12-03.csv", Data("id,status\r\n".utf8),
            mentioning: ["orders/orders_2024-12-03.csv has no rows"])
    }

    @Test func missingDirectoryIsAConfigurationErrorNamingIt() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            let missing = fixture.cli.root.appendingPathComponent("no-such-exports").path
            let result = try await fixture.sync(environment: ["FILES_SOURCE_DIR": missing])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains(missing) && result.stderr.contains("FILES_SOURCE_DIR"), "\(result.stderr)")
            #expect(
                !FileManager.default.fileExists(atPath: fixture.cli.state.appendingPathComponent("workflows/sync-files").path),
                "no run is recorded for a sync that cannot start")
        }
    }

    @Test func unreachableDatabaseNamesTheServerButNotThePassword() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", csv(Self.header, [["1", "paid"]]))
            let result = try await fixture.sync(environment: ["DATABASE_URL": "postgres://loader:s3cret-pw@127.0.0.1:9/warehouse?sslmode=disable"])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("127.0.0.1:9"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("s3cret-pw"))
            #expect(!FileManager.default.fileExists(atPath: fixture.databasePath), "nothing is loaded into SQLite instead")
        }
    }

    @Test func wrongPasswordIsALoginErrorThatNeverShowsThePassword() async throws {
        let good = try WarehouseKind.postgresURL()
        var parts = try #require(URLComponents(string: good))
        parts.password = "definitely-wrong-pw"
        let wrong = try #require(parts.string)
        try await SyncFixture.with(.sqlite) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", csv(Self.header, [["1", "paid"]]))
            let result = try await fixture.sync(environment: ["DATABASE_URL": wrong])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("refused the login"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("definitely-wrong-pw"))
            #expect(
                !FileManager.default.fileExists(atPath: fixture.cli.state.appendingPathComponent("workflows/sync-files").path),
                "no run is recorded for a sync whose warehouse refuses it")
        }
    }
}

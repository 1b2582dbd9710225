import Foundation
import Testing
import SignalRoomPipelines
@testable import SignalRoomWarehouse

/// Opening a dataset brings its ledger to this build's version (`LedgerMigrator`), on a
/// real SQLite file and the test PostgreSQL server.
struct LedgerMigrationTests {
    /// The ledger tables exactly as `prepare()` created them before ledgers had versions,
    /// written out here so that a change to version 1's statements cannot pass unnoticed,
    /// with one row in each.
    static func previousBuildLedger(_ kind: TestWarehouse, dataset: String) -> [String] {
        let tables: [String]
        switch kind {
        case .sqlite:
            tables = [
                """
                CREATE TABLE IF NOT EXISTS "\(dataset)"."_signalroom_loads" (
                  "load_id" TEXT PRIMARY KEY, "pipeline" TEXT NOT NULL, "resource" TEXT NOT NULL,
                  "table_name" TEXT NOT NULL, "disposition" TEXT NOT NULL, "primary_key" TEXT NOT NULL,
                  "status" TEXT NOT NULL, "rows" BIGINT NOT NULL, "started" TIMESTAMP NOT NULL, "finished" TIMESTAMP,
                  "resume_token" TEXT, "pending_cursor" TEXT, "load_schema" JSON NOT NULL, "error" TEXT)
                """,
                """
                CREATE TABLE IF NOT EXISTS "\(dataset)"."_signalroom_state" (
                  "pipeline" TEXT NOT NULL, "resource" TEXT NOT NULL, "cursor_field" TEXT NOT NULL,
                  "cursor_value" TEXT NOT NULL, "load_id" TEXT NOT NULL, "updated" TIMESTAMP NOT NULL,
                  PRIMARY KEY ("pipeline", "resource"))
                """,
                """
                CREATE TABLE IF NOT EXISTS "\(dataset)"."_signalroom_columns" (
                  "table_name" TEXT NOT NULL, "column_name" TEXT NOT NULL, "field_name" TEXT NOT NULL,
                  "data_type" TEXT NOT NULL, "ordinal" INTEGER NOT NULL, PRIMARY KEY ("table_name", "column_name"))
                """,
            ]
        case .postgres:
            tables = [
                "CREATE SCHEMA IF NOT EXISTS \"\(dataset)\"",
                """
                CREATE TABLE IF NOT EXISTS "\(dataset)"."_signalroom_loads" (
                  "load_id" text PRIMARY KEY, "pipeline" text NOT NULL, "resource" text NOT NULL,
                  "table_name" text NOT NULL, "disposition" text NOT NULL, "primary_key" text NOT NULL,
                  "status" text NOT NULL, "rows" bigint NOT NULL, "started" timestamptz NOT NULL, "finished" timestamptz,
                  "resume_token" text, "pending_cursor" text, "load_schema" jsonb NOT NULL, "error" text)
                """,
                """
                CREATE TABLE IF NOT EXISTS "\(dataset)"."_signalroom_state" (
                  "pipeline" text NOT NULL, "resource" text NOT NULL, "cursor_field" text NOT NULL,
                  "cursor_value" text NOT NULL, "load_id" text NOT NULL, "updated" timestamptz NOT NULL,
                  PRIMARY KEY ("pipeline", "resource"))
                """,
                """
                CREATE TABLE IF NOT EXISTS "\(dataset)"."_signalroom_columns" (
                  "table_name" text NOT NULL, "column_name" text NOT NULL, "field_name" text NOT NULL,
                  "data_type" text NOT NULL, "ordinal" integer NOT NULL, PRIMARY KEY ("table_name", "column_name"))
                """,
            ]
        }
        let schema = #"{"columns":[{"field":"id","name":"id","type":"bigint"},{"field":"Name","name":"name","type":"text"}],"table":"people"}"#
        return tables + [
            """
            INSERT INTO "\(dataset)"."_signalroom_loads" VALUES ('load-1', 'test', 'people', 'people', 'merge', 'id', 'completed', 2,
              '2026-01-02T03:04:05.000Z', '2026-01-02T03:04:06.000Z', NULL, NULL, '\(schema)', NULL)
            """,
            """
            INSERT INTO "\(dataset)"."_signalroom_state" VALUES ('test', 'people', 'id', '2', 'load-1', '2026-01-02T03:04:06.000Z')
            """,
            """
            INSERT INTO "\(dataset)"."_signalroom_columns" VALUES ('people', 'id', 'id', 'bigint', 0), ('people', 'name', 'Name', 'text', 1)
            """,
        ]
    }

    static let ledgerTables = ["_signalroom_columns", "_signalroom_loads", "_signalroom_state"]

    func withWarehouse(_ kind: TestWarehouse, _ body: (any Destination, [String]) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = try kind.destination(directory)
        let datasets = (1...2).map { _ in "l" + UUID().uuidString.prefix(8).lowercased() }
        do {
            try await body(destination, datasets)
        } catch {
            try await dropSchemas(kind, destination, datasets)
            throw error
        }
        try await dropSchemas(kind, destination, datasets)
    }

    func dropSchemas(_ kind: TestWarehouse, _ destination: any Destination, _ datasets: [String]) async throws {
        guard kind == .postgres else { return }
        try await execute(destination, datasets.map { "DROP SCHEMA IF EXISTS \($0) CASCADE" })
    }

    /// Writes the previous build's ledger into a dataset that does not exist yet.
    func writePreviousBuildLedger(_ kind: TestWarehouse, _ destination: any Destination, dataset: String) async throws {
        if let sqlite = destination as? SQLiteWarehouse {
            // An empty file is an empty SQLite database; the session ATTACHes the files it finds.
            FileManager.default.createFile(atPath: sqlite.databasePath(dataset: dataset), contents: nil)
        }
        try await execute(destination, Self.previousBuildLedger(kind, dataset: dataset))
    }

    func execute(_ destination: any Destination, _ statements: [String]) async throws {
        let session = try await destination.session()
        do {
            try await session.execute(statements)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    func query(_ destination: any Destination, _ sql: String, _ parameters: [String: QueryValue] = [:]) async throws -> [[QueryValue]] {
        let session = try await destination.session()
        do {
            let result = try await session.query(sql, parameters: parameters)
            await session.close()
            return result.rows
        } catch {
            await session.close()
            throw error
        }
    }

    func recordedVersion(_ destination: any Destination, dataset: String) async throws -> [[QueryValue]] {
        try await query(destination, "SELECT \"key\", \"value\" FROM \(dataset)._signalroom_meta")
    }

    /// The ledger tables' columns: name, declared type, nullability (and key, on SQLite).
    func ledgerColumns(_ kind: TestWarehouse, _ destination: any Destination, dataset: String) async throws -> [[QueryValue]] {
        switch kind {
        case .sqlite:
            return try await query(
                destination,
                """
                SELECT m.name, p.name, p.type, p."notnull", p.pk FROM \(dataset).sqlite_master AS m, pragma_table_info(m.name, :dataset) AS p
                WHERE m.type = 'table' AND substr(m.name, 1, 12) = '_signalroom_' ORDER BY m.name, p.cid
                """, ["dataset": .text(dataset)])
        case .postgres:
            return try await query(
                destination,
                """
                SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
                WHERE table_schema = :dataset AND substr(table_name, 1, 12) = '_signalroom_' ORDER BY table_name, ordinal_position
                """, ["dataset": .text(dataset)])
        }
    }

    /// Every row of the three ledger tables, each value as text.
    func ledgerRows(_ destination: any Destination, dataset: String) async throws -> [[QueryValue]] {
        var rows: [[QueryValue]] = []
        let columns = [
            "_signalroom_loads": [
                "load_id", "pipeline", "resource", "table_name", "disposition", "primary_key", "status", "rows", "started",
                "finished", "resume_token", "pending_cursor", "load_schema", "error",
            ],
            "_signalroom_state": ["pipeline", "resource", "cursor_field", "cursor_value", "load_id", "updated"],
            "_signalroom_columns": ["table_name", "column_name", "field_name", "data_type", "ordinal"],
        ]
        for table in Self.ledgerTables {
            let selected = columns[table]!.map { "CAST(\"\($0)\" AS TEXT)" }.joined(separator: ", ")
            rows += try await query(destination, "SELECT '\(table)', \(selected) FROM \(dataset).\(table) ORDER BY 2, 3")
        }
        return rows
    }

    func location(_ destination: any Destination, dataset: String) -> String {
        (destination as? SQLiteWarehouse)?.databasePath(dataset: dataset) ?? destination.location
    }

    @Test
    func migrationsAreNumberedFromOneInOrderWithDistinctNames() {
        #expect(LedgerMigrator.migrations.map(\.version) == Array(1...LedgerMigrator.currentVersion))
        #expect(Set(LedgerMigrator.migrations.map(\.name)).count == LedgerMigrator.migrations.count)
    }

    @Test(arguments: TestWarehouse.allCases)
    func previousBuildsLedgerIsRecognisedAsVersionOneWithItsRowsIntact(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, datasets in
            let dataset = datasets[0]
            try await writePreviousBuildLedger(kind, destination, dataset: dataset)
            let columnsBefore = try await ledgerColumns(kind, destination, dataset: dataset)
            let rowsBefore = try await ledgerRows(destination, dataset: dataset)
            #expect(rowsBefore.count == 4)

            let connection = try await destination.open(dataset: dataset)
            let load = try await connection.loadRecord(id: "load-1")
            let cursor = try await connection.cursor(pipeline: "test", resource: "people")
            await connection.close()

            #expect(try await recordedVersion(destination, dataset: dataset) == [[.text("ledger_version"), .text("1")]])
            #expect(load?.status == .completed)
            #expect(load?.rows == 2)
            #expect(load?.disposition == .merge(primaryKey: ["id"]))
            #expect(load?.schema.columns.map(\.field) == ["id", "Name"])
            #expect(cursor == "2")
            let columnsAfter = try await ledgerColumns(kind, destination, dataset: dataset)
            #expect(columnsAfter.filter { $0.first != .text("_signalroom_meta") } == columnsBefore, "the ledger tables are as they were")
            #expect(try await ledgerRows(destination, dataset: dataset) == rowsBefore)

            // The second open finds the version current and changes nothing.
            await (try await destination.open(dataset: dataset)).close()
            #expect(try await recordedVersion(destination, dataset: dataset) == [[.text("ledger_version"), .text("1")]])
        }
    }

    @Test(arguments: TestWarehouse.allCases)
    func freshDatasetGetsTheCurrentVersionAndThePreviousBuildsTables(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, datasets in
            let (fresh, previous) = (datasets[0], datasets[1])
            await (try await destination.open(dataset: fresh)).close()
            #expect(
                try await recordedVersion(destination, dataset: fresh)
                    == [[.text("ledger_version"), .text(String(LedgerMigrator.currentVersion))]])

            try await writePreviousBuildLedger(kind, destination, dataset: previous)
            let expected = try await ledgerColumns(kind, destination, dataset: previous)
            let created = try await ledgerColumns(kind, destination, dataset: fresh).filter { $0.first != .text("_signalroom_meta") }
            #expect(created == expected, "version 1 creates the tables the previous build created")
        }
    }

    @Test(arguments: TestWarehouse.allCases)
    func ledgerNewerThanThisBuildIsRefusedWithAdviceToUpgrade(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, datasets in
            let dataset = datasets[0]
            await (try await destination.open(dataset: dataset)).close()
            let newer = LedgerMigrator.currentVersion + 1
            try await execute(destination, ["UPDATE \(dataset)._signalroom_meta SET \"value\" = '\(newer)' WHERE \"key\" = 'ledger_version'"])

            let refusal = WarehouseError.ledgerTooNew(
                dataset: dataset, location: location(destination, dataset: dataset), version: newer,
                supported: LedgerMigrator.currentVersion)
            await #expect(throws: refusal) {
                await (try await destination.open(dataset: dataset)).close()
            }
            #expect(refusal.description.contains("dataset \(dataset)"))
            let versions = "ledger version \(newer), but this build of signalroom knows versions up to \(LedgerMigrator.currentVersion)"
            #expect(refusal.description.contains(versions))
            #expect(refusal.description.hasSuffix("upgrade signalroom to open it"))
            #expect(!refusal.description.contains("\n"))
            #expect(try await recordedVersion(destination, dataset: dataset) == [[.text("ledger_version"), .text(String(newer))]])
        }
    }

    /// The first version row is inserted, not upserted: had two opens both migrated, the
    /// second's insert would fail on the key and its open with it.
    @Test(arguments: TestWarehouse.allCases)
    func concurrentOpensOfAFreshDatasetAllSucceedAndOneMigrates(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, datasets in
            let dataset = datasets[0]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 1...4 {
                    group.addTask { await (try await destination.open(dataset: dataset)).close() }
                }
                try await group.waitForAll()
            }
            #expect(
                try await recordedVersion(destination, dataset: dataset)
                    == [[.text("ledger_version"), .text(String(LedgerMigrator.currentVersion))]])
            #expect(try await ledgerColumns(kind, destination, dataset: dataset).contains { $0.first == .text("_signalroom_loads") })
        }
    }
}

import Foundation
import Testing
import SignalRoomPipelines
import SignalRoomWarehouse

/// A resource whose rows the test names, loaded through the real loader into a real SQLite
/// file or the test PostgreSQL server.
struct ListedRows: Resource {
    var name = "people"
    var table = "people"
    var writeDisposition: WriteDisposition
    var incremental: IncrementalCursor? = nil
    var rows: [[FieldValue]]

    func extract(_ request: ExtractRequest, into sink: any RowSink) async throws {
        try await sink.write(RowBatch(fields: ["id", "name"], rows: rows), resumeToken: "done")
    }

    func plan(_ request: ExtractRequest) async throws -> [String] { ["\(rows.count) rows"] }
}

enum TestWarehouse: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    func destination(_ directory: URL) throws -> any Destination {
        switch self {
        case .sqlite:
            return SQLiteWarehouse(directory: directory)
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_DATABASE_URL"], !url.isEmpty else {
                Issue.record("SIGNALROOM_TEST_DATABASE_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
                throw CancellationError()
            }
            return try PostgresWarehouse(databaseURL: url)
        }
    }
}

@Suite(.serialized)
struct WriteDispositionTests {
    func load(_ rows: [[FieldValue]], _ disposition: WriteDisposition, into destination: any Destination, dataset: String) async throws {
        let connection = try await destination.open(dataset: dataset)
        let loader = ResourceLoader(pipeline: "test", connection: connection)
        do {
            _ = try await loader.load(ListedRows(writeDisposition: disposition, rows: rows), resumeLoadId: nil)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    func names(_ destination: any Destination, dataset: String) async throws -> [String] {
        let session = try await destination.session()
        let result = try await session.query("SELECT id, name FROM \(dataset).people ORDER BY id, name", parameters: [:])
        await session.close()
        return result.rows.map { row in
            row.map { value -> String in
                switch value {
                case .int(let number): String(number)
                case .text(let text): text
                default: "\(value)"
                }
            }.joined(separator: ":")
        }
    }

    func withWarehouse(_ kind: TestWarehouse, _ body: (any Destination, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-dispositions-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = try kind.destination(directory)
        let dataset = "d" + UUID().uuidString.prefix(8).lowercased()
        try await body(destination, dataset)
        if kind == .postgres {
            let session = try await destination.session()
            try await session.execute(["DROP SCHEMA \(dataset) CASCADE"])
            await session.close()
        }
    }

    @Test(arguments: TestWarehouse.allCases)
    func appendAddsRowsAndChangesNothingAlreadyThere(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, dataset in
            try await load([[.int(1), .text("Ana")], [.int(2), .text("Bo")]], .append, into: destination, dataset: dataset)
            try await load([[.int(1), .text("Ana again")], [.int(3), .text("Cy")]], .append, into: destination, dataset: dataset)
            #expect(try await names(destination, dataset: dataset) == ["1:Ana", "1:Ana again", "2:Bo", "3:Cy"])
        }
    }

    @Test(arguments: TestWarehouse.allCases)
    func replaceLeavesExactlyTheLastLoadsRows(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, dataset in
            try await load(
                [[.int(1), .text("Ana")], [.int(2), .text("Bo")], [.int(3), .text("Cy")]], .replace, into: destination, dataset: dataset)
            try await load([[.int(9), .text("Zed")]], .replace, into: destination, dataset: dataset)
            #expect(try await names(destination, dataset: dataset) == ["9:Zed"])
        }
    }

    @Test(arguments: TestWarehouse.allCases)
    func mergeUpdatesInPlaceAndTheLastRowOfAKeyWinsWithinALoad(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, dataset in
            try await load([[.int(1), .text("Ana")], [.int(2), .text("Bo")]], .merge(primaryKey: ["id"]), into: destination, dataset: dataset)
            try await load(
                [[.int(2), .text("Bo v2")], [.int(3), .text("Cy")], [.int(2), .text("Bo v3")]], .merge(primaryKey: ["id"]),
                into: destination, dataset: dataset)
            #expect(try await names(destination, dataset: dataset) == ["1:Ana", "2:Bo v3", "3:Cy"])
        }
    }

    // The apply first tries the load as staged and falls back to keeping each key's last
    // row only when a key was staged twice (PostgreSQL refuses the index or the upsert); the
    // first load of a table and a later one take different statements, so both are pinned.
    @Test(arguments: TestWarehouse.allCases)
    func theLoadThatCreatesATableAlsoKeepsTheLastRowOfAKeyStagedTwice(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, dataset in
            try await load(
                [[.int(1), .text("Ana")], [.int(2), .text("Bo")], [.int(1), .text("Ana v2")], [.int(1), .text("Ana v3")]],
                .merge(primaryKey: ["id"]), into: destination, dataset: dataset)
            #expect(try await names(destination, dataset: dataset) == ["1:Ana v3", "2:Bo"])
            try await load([[.int(3), .text("Cy")], [.int(2), .text("Bo v2")]], .merge(primaryKey: ["id"]), into: destination, dataset: dataset)
            #expect(try await names(destination, dataset: dataset) == ["1:Ana v3", "2:Bo v2", "3:Cy"])
        }
    }

    @Test func aNewSQLiteDatasetHasLargePagesAndAnExistingOneKeepsItsOwnAndStillLoads() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func pageSize(_ dataset: String) throws -> String {
            try sqlite3(directory.appendingPathComponent(dataset + ".sqlite").path, "PRAGMA page_size")
        }
        // What an earlier build made: 4 KiB pages, WAL, one row.
        _ = try sqlite3(
            directory.appendingPathComponent("old.sqlite").path,
            "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE marker (x); INSERT INTO marker VALUES (1);")
        let destination = SQLiteWarehouse(directory: directory)
        try await load([[.int(1), .text("Ana")]], .merge(primaryKey: ["id"]), into: destination, dataset: "old")
        try await load([[.int(1), .text("Ana")]], .merge(primaryKey: ["id"]), into: destination, dataset: "fresh")
        #expect(try pageSize("old") == "4096")
        #expect(try pageSize("fresh") == "32768")
        #expect(try await names(destination, dataset: "old") == ["1:Ana"])
        #expect(try sqlite3(directory.appendingPathComponent("old.sqlite").path, "SELECT x FROM marker") == "1")
    }

    func sqlite3(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test(arguments: TestWarehouse.allCases)
    func queryParametersAreBoundNeverExecuted(_ kind: TestWarehouse) async throws {
        try await withWarehouse(kind) { destination, dataset in
            try await load([[.int(1), .text("Ana")]], .append, into: destination, dataset: dataset)
            let session = try await destination.session()
            let hostile = "1; DROP TABLE \(dataset).people"
            let result = try await session.query(
                "SELECT count(*) AS n FROM \(dataset).people WHERE name = :name OR name = :name", parameters: ["name": .text(hostile)])
            #expect(result.rows.first?.first == .int(0))
            let cast = try await session.query(
                "SELECT count(*) AS n FROM \(dataset).people WHERE id = :id AND name <> ':not_a_parameter'", parameters: ["id": .int(1)])
            #expect(cast.rows.first?.first == .int(1))
            await #expect(throws: QueryError.missingParameter("missing")) {
                try await session.query("SELECT :missing AS x", parameters: [:])
            }
            await session.close()
            #expect(try await names(destination, dataset: dataset) == ["1:Ana"], "the table is still there")
        }
    }
}

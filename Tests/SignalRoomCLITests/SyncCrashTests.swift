import Foundation
import Testing

/// A 500,000-row load killed with SIGKILL at several points and then resumed ends with
/// exactly the rows and cursor of a load that was never interrupted, on both warehouses.
@Suite(.serialized)
struct SyncCrashTests {
    static let files = 5
    static let rowsPerFile = 100_000
    static let chunkRows = 50_000
    /// Where the process kills itself: after chunk 4 (the first half of the second file;
    /// each file is two 50,000-row chunks and the commit of its end) and chunk 15 (the last)
    /// are committed, and after the load is applied but before the activity's completion is
    /// in the history. (Killed right after the load is recorded, before any chunk, is the
    /// RedTrack and S3 crash tests' case too.)
    static let killPoints = ["staged:4", "staged:15", "completed"]
    static let columns = "id, created_at, customer, note, amount, quantity, _file_name, _row_id, _file_date, _client_id"

    /// Five daily files of 100,000 orders with quoted commas, quotes and unicode.
    static func writeExports(to directory: URL) throws {
        let customers = ["Zoë Müller", "小明", "O'Brien, Pat", "Søren", "Nguyễn Văn An", "Ana"]
        let notes = ["", "leave at door, ring \"twice\"", "Réclamation « abîmé »", "ok", "gate code 4#21"]
        for day in 1...files {
            var text = "id,created_at,customer,note,amount,quantity\n"
            text.reserveCapacity(rowsPerFile * 80)
            for row in 0..<rowsPerFile {
                let id = (day - 1) * rowsPerFile + row + 1
                let customer = customers[id % customers.count]
                let note = notes[id % notes.count]
                let quotedCustomer = customer.contains(",") ? "\"\(customer)\"" : customer
                let quotedNote = note.contains(",") || note.contains("\"") ? "\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : note
                text +=
                    "\(id),2024-12-0\(day)T\(String(format: "%02d", row % 24)):15:00Z,\(quotedCustomer),\(quotedNote),\(id % 9973).\(String(format: "%02d", id % 100)),\(id % 7)\n"
            }
            let folder = directory.appendingPathComponent("orders")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folder.appendingPathComponent("orders_2024-12-0\(day).csv"))
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func killedLoadResumesToExactlyTheRowsAndCursorOfAnUninterruptedLoad(_ kind: WarehouseKind) async throws {
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-exports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: exports) }
        try Self.writeExports(to: exports)
        let environment = ["SIGNALROOM_LOAD_CHUNK_ROWS": String(Self.chunkRows)]
        let total = Self.files * Self.rowsPerFile

        try await SyncFixture.with(kind, exports: exports) { reference in
            let uninterrupted = try await reference.sync(environment: environment)
            #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
            #expect(try await reference.count("orders") == total)
            let referenceCursor = try await reference.cursor("orders")
            #expect(referenceCursor == "2024-12-05")

            for point in Self.killPoints {
                try await SyncFixture.with(kind, exports: exports) { crashed in
                    let killed = try await crashed.sync(environment: environment.merging(["SIGNALROOM_TEST_KILL_AT": point]) { $1 })
                    #expect(killed.killedBySignal, "\(point): the process should have killed itself: \(killed.stderr)")
                    let startedLoads = try await crashed.query("SELECT load_id FROM \(crashed.dataset)._signalroom_loads")
                    #expect(startedLoads.count == 1, "\(point)")

                    let resumed = try await crashed.sync(environment: environment)
                    #expect(resumed.status == 0, "\(point): \(resumed.stderr)")

                    #expect(try await crashed.count("orders") == total, "\(point)")
                    let missing = try await crashed.scalar(
                        """
                        SELECT count(*) FROM (SELECT \(Self.columns) FROM \(reference.dataset).orders
                        EXCEPT SELECT \(Self.columns) FROM \(crashed.dataset).orders) AS difference
                        """, attaching: [reference])
                    let extra = try await crashed.scalar(
                        """
                        SELECT count(*) FROM (SELECT \(Self.columns) FROM \(crashed.dataset).orders
                        EXCEPT SELECT \(Self.columns) FROM \(reference.dataset).orders) AS difference
                        """, attaching: [reference])
                    #expect(missing == "0" && extra == "0", "\(point): \(missing) rows missing, \(extra) rows extra")
                    #expect(try await crashed.cursor("orders") == referenceCursor, "\(point)")
                    // The load that was cut off is the one that finished: it resumed, it was not redone.
                    let loads = try await crashed.query("SELECT load_id, status, rows FROM \(crashed.dataset)._signalroom_loads")
                    #expect(loads == ["\(startedLoads[0])|completed|\(total)"], "\(point): \(loads)")
                    let stages = try await crashed.stageTables()
                    #expect(stages.isEmpty, "\(point): stage tables left behind: \(stages)")
                }
            }
        }
    }
}

extension SyncFixture {
    /// Stage tables still in the dataset (a finished or given-up load leaves none).
    func stageTables() async throws -> [String] {
        switch kind {
        case .sqlite:
            return try await query("SELECT name FROM \(dataset).sqlite_master WHERE type = 'table' AND substr(name, 1, 18) = '_signalroom_stage_'")
        case .postgres:
            return try await query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '\(dataset)' AND substr(table_name, 1, 18) = '_signalroom_stage_'"
            )
        }
    }
}

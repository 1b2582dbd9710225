import Foundation
import Testing

/// `signalroom sync files` against real SQLite files and a real PostgreSQL server: merge,
/// schema evolution and the incremental cursor, as a user sees them in the warehouse.
@Suite(.serialized)
struct SyncLoadTests {
    static let header = ["Order ID", "status", "customer", "note"]

    /// Day 1 holds quoted commas, quotes, a newline and unicode; day 2 is plain.
    func writeTwoDays(_ fixture: SyncFixture) throws {
        try fixture.write(
            "orders/orders_2024-12-01.csv",
            csv(
                Self.header,
                [
                    ["1001", "paid", "Zoë Müller", "leave at door, ring \"twice\""],
                    ["1002", "pending", "小明", "line one\nline two"],
                    ["1003", "paid", "O'Brien", ""],
                ]))
        try fixture.write(
            "orders/orders_2024-12-02.csv",
            csv(
                Self.header,
                [
                    ["1004", "refunded", "Ana", "ok"],
                    ["1005", "paid", "Søren", "fragile"],
                ]))
    }

    func rows(_ fixture: SyncFixture) async throws -> [String] {
        try await fixture.query(
            "SELECT order_id, status, customer, note, _file_name, _row_id, _file_date FROM \(fixture.dataset).orders ORDER BY _file_name, _row_id")
    }

    @Test(arguments: WarehouseKind.allCases)
    func loadingTheSameFilesTwiceLeavesTheSameRows(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try writeTwoDays(fixture)

            let first = try await fixture.sync()
            #expect(first.status == 0, "\(first.stderr)")
            let loaded = try await rows(fixture)
            #expect(loaded.count == 5)
            #expect(loaded.first == "1001|paid|Zoë Müller|leave at door, ring \"twice\"|orders/orders_2024-12-01.csv|0|2024-12-01")
            #expect(
                loaded.contains { $0.hasPrefix("1002|pending|小明|line one\nline two") } || loaded.contains("1002|pending|小明|line one"),
                "the embedded newline survives: \(loaded)")

            let second = try await fixture.sync()
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try await rows(fixture) == loaded)
            let refreshed = try await fixture.sync(["--full-refresh"])
            #expect(refreshed.status == 0, "\(refreshed.stderr)")
            #expect(try await rows(fixture) == loaded)
            #expect(try await fixture.count("orders") == 5)
            // Every row names the load that wrote it.
            #expect(try await fixture.scalar("SELECT count(*) FROM \(fixture.dataset).orders WHERE _load_id IS NULL") == "0")
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func reexportedFileUpdatesItsRowsInPlace(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try writeTwoDays(fixture)
            #expect(try await fixture.sync().status == 0)
            let before = try await rows(fixture)

            try fixture.write(
                "orders/orders_2024-12-02.csv",
                csv(
                    Self.header,
                    [
                        ["1004", "refunded", "Ana", "ok"],
                        ["1005", "cancelled", "Søren", "customer called, \"cancel\""],
                    ]))
            let result = try await fixture.sync(["--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let after = try await rows(fixture)
            #expect(after.count == 5)
            #expect(after.contains("1005|cancelled|Søren|customer called, \"cancel\"|orders/orders_2024-12-02.csv|1|2024-12-02"))
            #expect(Array(after.prefix(4)) == Array(before.prefix(4)), "rows of other files and other rows stay as they were")
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func laterFileWithAnExtraColumnAddsIt(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", csv(["id", "amount"], [["1", "10"], ["2", "20"]]))
            #expect(try await fixture.sync().status == 0)
            try fixture.write("orders/orders_2024-12-02.csv", csv(["id", "amount", "Coupon Code"], [["3", "30", "XMAS-10"]]))
            let result = try await fixture.sync()
            #expect(result.status == 0, "\(result.stderr)")

            #expect(try await fixture.columns("orders").contains("coupon_code"))
            let values = try await fixture.query("SELECT id, amount, coalesce(coupon_code, 'NULL') FROM \(fixture.dataset).orders ORDER BY id")
            #expect(values == ["1|10|NULL", "2|20|NULL", "3|30|XMAS-10"])
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func columnWhoseValuesChangeTypeLosesNothing(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            // An integer column that later holds text, an integer that later holds a fraction,
            // a boolean that later holds a word; the table exists before the second load.
            try fixture.write("items/items_2024-12-01.csv", csv(["sku", "price", "in_stock"], [["100", "5", "true"], ["200", "7", "false"]]))
            #expect(try await fixture.sync().status == 0)
            try fixture.write("items/items_2024-12-02.csv", csv(["sku", "price", "in_stock"], [["AB-300", "7.25", "maybe"]]))
            let result = try await fixture.sync()
            #expect(result.status == 0, "\(result.stderr)")

            let skus = try await fixture.query("SELECT sku FROM \(fixture.dataset).items ORDER BY _file_name, _row_id")
            #expect(skus == ["100", "200", "AB-300"])
            let prices = try await fixture.query("SELECT price * 4 FROM \(fixture.dataset).items ORDER BY _file_name, _row_id")
            #expect(prices.map { Double($0) } == [20, 28, 29])
            let stock = try await fixture.query("SELECT in_stock FROM \(fixture.dataset).items ORDER BY _file_name, _row_id")
            #expect(stock == ["true", "false", "maybe"])
            // One column each: widened in place, never split.
            #expect(
                try await fixture.columns("items").filter { $0.hasPrefix("sku") || $0.hasPrefix("price") || $0.hasPrefix("in_stock") }
                    == ["sku", "price", "in_stock"])
        }
    }

    @Test(arguments: WarehouseKind.allCases)
    func filesOlderThanTheCursorAreNotReadAgainUntilFullRefresh(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try writeTwoDays(fixture)
            try fixture.write("orders/orders_2024-12-03.csv", csv(Self.header, [["1006", "paid", "Chloé", "gift"]]))
            #expect(try await fixture.sync().status == 0)
            #expect(try await fixture.cursor("orders") == "2024-12-03")

            // An old file changes after it was loaded: behind the cursor, it is not read again.
            try fixture.write(
                "orders/orders_2024-12-01.csv",
                csv(
                    Self.header,
                    [
                        ["1001", "chargeback", "Zoë Müller", "changed late"],
                        ["1002", "pending", "小明", "line one\nline two"],
                        ["1003", "paid", "O'Brien", ""],
                    ]))
            let plan = try await fixture.sync(["--dry-run"])
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("orders_2024-12-03.csv"))
            #expect(!plan.stdout.contains("orders_2024-12-01.csv"), "\(plan.stdout)")
            #expect(!plan.stdout.contains("orders_2024-12-02.csv"), "\(plan.stdout)")

            let incremental = try await fixture.sync(["--json"])
            #expect(incremental.status == 0, "\(incremental.stderr)")
            let loads = try await fixture.query("SELECT rows FROM \(fixture.dataset)._signalroom_loads WHERE status = 'completed' ORDER BY started")
            #expect(loads == ["6", "1"], "the second load reads only the file on the cursor date")
            #expect(try await fixture.scalar("SELECT status FROM \(fixture.dataset).orders WHERE order_id = 1001") == "paid")

            let refresh = try await fixture.sync(["--full-refresh"])
            #expect(refresh.status == 0, "\(refresh.stderr)")
            #expect(try await fixture.scalar("SELECT status FROM \(fixture.dataset).orders WHERE order_id = 1001") == "chargeback")
            #expect(try await fixture.count("orders") == 6)
            #expect(try await fixture.cursor("orders") == "2024-12-03")

            // A backfill window reads exactly its days, whatever the cursor.
            let backfill = try await fixture.sync(["--start-date", "2024-12-02", "--end-date", "2024-12-02"])
            #expect(backfill.status == 0, "\(backfill.stderr)")
            #expect(
                try await fixture.scalar(
                    "SELECT rows FROM \(fixture.dataset)._signalroom_loads WHERE status = 'completed' ORDER BY started DESC LIMIT 1") == "2")
        }
    }

    @Test func syncJsonReportsRealRowCountsPerTable() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try writeTwoDays(fixture)
            try fixture.write("refunds/refunds_2024-12-02.jsonl", #"{"refund_id": 7, "order": {"id": 1004}, "amount": 12.5}"# + "\n")
            let result = try await fixture.sync(["--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let text = result.stdout
            let object = try SyncFixture.json(text)
            let output = try #require((object["result"] as? [String: Any]) ?? object["output"] as? [String: Any], "\(text)")
            #expect(output["rows"] as? Int == 6)
            let tables = try #require(output["tables"] as? [[String: Any]])
            let byTable = Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as? String ?? "", $0) })
            #expect(byTable["orders"]?["rows"] as? Int == 5)
            #expect(byTable["refunds"]?["rows"] as? Int == 1)
            #expect(byTable["orders"]?["tableRows"] as? Int == 5)
            // The nested object is kept whole as JSON.
            let order = try await fixture.scalar("SELECT json_extract(\"order\", '$.id') FROM \(fixture.dataset).refunds")
            #expect(order == "1004")
        }
    }
}

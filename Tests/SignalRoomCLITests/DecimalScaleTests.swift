import Foundation
import Testing

/// Fractions from CSV keep their digits: PostgreSQL keeps them as written (scale
/// included) in `numeric`; SQLite, which has no decimal type, keeps the exact number
/// (trailing zeros are not part of it) and the text only where a double would round it.
/// On both, sums and comparisons are numeric.
@Suite(.serialized)
struct DecimalScaleTests {
    @Test(arguments: WarehouseKind.allCases)
    func fractionsKeepTheirDigitsAndStillSumAndCompareAsNumbers(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            try fixture.write(
                "orders/orders_2024-12-01.csv",
                """
                id,amount,price,qty
                1,3818.50,19.00,20
                2,0.10,0.10,3
                3,20,20,1
                4,12345678901234567.891,5.25,2

                """)
            #expect(try await fixture.sync().status == 0)
            // A later file turns an integer column fractional: it widens, keeping what it held.
            try fixture.write("orders/orders_2024-12-02.csv", "id,amount,price,qty\n5,1.00,1.00,19.50\n")
            let second = try await fixture.sync()
            #expect(second.status == 0, "\(second.stderr)")
            let table = "\(fixture.dataset).orders"
            let order = "ORDER BY _file_name, _row_id"
            switch kind {
            case .postgres:
                #expect(
                    try await fixture.query("SELECT amount::text, price::text, qty::text FROM \(table) \(order)") == [
                        "3818.50|19.00|20", "0.10|0.10|3", "20|20|1", "12345678901234567.891|5.25|2", "1.00|1.00|19.50",
                    ])
                #expect(
                    try await fixture.scalar("SELECT sum(amount)::text || '|' || sum(price)::text FROM \(table)")
                        == "12345678901238407.491|45.35")
                #expect(
                    try await fixture.query(
                        """
                        SELECT data_type FROM information_schema.columns WHERE table_schema = '\(fixture.dataset)'
                        AND table_name = 'orders' AND column_name IN ('amount', 'price', 'qty') ORDER BY column_name
                        """) == ["numeric", "numeric", "numeric"])
            case .sqlite:
                #expect(
                    try await fixture.query(
                        """
                        SELECT typeof(amount), amount, typeof(price), price, typeof(qty), qty FROM \(table) \(order)
                        """) == [
                            "real|3818.5|real|19.0|integer|20", "real|0.1|real|0.1|integer|3", "integer|20|integer|20|integer|1",
                            "text|12345678901234567.891|real|5.25|integer|2", "real|1.0|real|1.0|real|19.5",
                        ])
                #expect(try await fixture.scalar("SELECT sum(price) FROM \(table)") == "45.35")
            }
            #expect(try await fixture.scalar("SELECT count(*) FROM \(table) WHERE price > 10") == "2")
            #expect(try await fixture.scalar("SELECT count(*) FROM \(table) WHERE amount > 100") == "2")
            #expect(try await fixture.scalar("SELECT max(price) FROM \(table)") == "20")
        }
    }

    /// A table the previous build loaded has its fractions in a `double` column; the next
    /// load widens it to decimal in place, keeping every row.
    @Test(arguments: WarehouseKind.allCases)
    func aDoubleColumnAnEarlierBuildWroteWidensToDecimal(_ kind: WarehouseKind) async throws {
        try await SyncFixture.with(kind) { fixture in
            // Rows 1 and 2 are not read again (their file is older than the cursor): only the widening keeps them.
            try fixture.write("orders/orders_2024-11-30.csv", "id,price\n1,19.00\n2,0.10\n")
            try fixture.write("orders/orders_2024-12-01.csv", "id,price\n9,1.50\n")
            #expect(try await fixture.sync().status == 0)
            let table = "\(fixture.dataset).orders"
            let ledger =
                "UPDATE \(fixture.dataset)._signalroom_columns SET data_type = 'double' WHERE table_name = 'orders' AND column_name = 'price'"
            switch kind {
            case .postgres:
                _ = try await fixture.query("ALTER TABLE \(table) ALTER COLUMN price TYPE double precision; \(ledger)")
            case .sqlite:
                _ = try await fixture.query(
                    """
                    CREATE TABLE \(fixture.dataset).before AS SELECT id, CAST(price AS REAL) AS price, _file_name, _row_id, _file_date,
                      _client_id, _load_id FROM \(table); DROP TABLE \(table); ALTER TABLE \(fixture.dataset).before RENAME TO orders; \(ledger)
                    """)
            }
            try fixture.write("orders/orders_2024-12-02.csv", "id,price\n3,5.25\n")
            let upgraded = try await fixture.sync()
            #expect(upgraded.status == 0, "\(upgraded.stderr)")
            let type = try await fixture.scalar(
                "SELECT data_type FROM \(fixture.dataset)._signalroom_columns WHERE table_name = 'orders' AND column_name = 'price'")
            #expect(type == "decimal")
            let rows = try await fixture.query(
                kind == .postgres
                    ? "SELECT id, price::text FROM \(table) ORDER BY id"
                    : "SELECT id, typeof(price), price FROM \(table) ORDER BY id")
            // The doubles keep their values (PostgreSQL's cast gives 19, not 19.00: the scale was already gone).
            #expect(
                rows
                    == (kind == .postgres
                        ? ["1|19", "2|0.1", "3|5.25", "9|1.50"]
                        : ["1|real|19.0", "2|real|0.1", "3|real|5.25", "9|real|1.5"]),
                "\(rows)")
        }
    }
}

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
            try fixture.write("orders/orders_2024-12-01.csv", """
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
                #expect(try await fixture.query("SELECT amount::text, price::text, qty::text FROM \(table) \(order)") == [
                    "3818.50|19.00|20", "0.10|0.10|3", "20|20|1", "12345678901234567.891|5.25|2", "1.00|1.00|19.50"])
                #expect(try await fixture.scalar("SELECT sum(amount)::text || '|' || sum(price)::text FROM \(table)")
                        == "12345678901238407.491|45.35")
                #expect(try await fixture.query("""
                    SELECT data_type FROM information_schema.columns WHERE table_schema = '\(fixture.dataset)'
                    AND table_name = 'orders' AND column_name IN ('amount', 'price', 'qty') ORDER BY column_name
                    """) == ["numeric", "numeric", "numeric"])
            case .sqlite:
                #expect(try await fixture.query("""
                    SELECT typeof(amount), amount, typeof(price), price, typeof(qty), qty FROM \(table) \(order)
                    """) == ["real|3818.5|real|19.0|integer|20", "real|0.1|real|0.1|integer|3", "integer|20|integer|20|integer|1",
                             "text|12345678901234567.891|real|5.25|integer|2", "real|1.0|real|1.0|real|19.5"])
                #expect(try await fixture.scalar("SELECT sum(price) FROM \(table)") == "45.35")
            }
            #expect(try await fixture.scalar("SELECT count(*) FROM \(table) WHERE price > 10") == "2")
            #expect(try await fixture.scalar("SELECT count(*) FROM \(table) WHERE amount > 100") == "2")
            #expect(try await fixture.scalar("SELECT max(price) FROM \(table)") == "20")
        }
    }
}

import Testing
@testable import SignalRoomPipelines

@Suite struct TextInferenceTests {
    @Test(arguments: [
        ("", FieldValue.null),
        ("42", .int(42)), ("-7", .int(-7)), ("0", .int(0)),
        ("00123", .text("00123")), ("+5", .text("+5")), ("-0", .text("-0")), ("1e5", .text("1e5")),
        ("25.50", .decimal("25.50")), ("-0.125", .decimal("-0.125")), ("0.000000000000001", .decimal("0.000000000000001")),
        ("3818.50", .decimal("3818.50")), ("-0.0", .decimal("-0.0")), ("1.", .text("1.")), (".5", .text(".5")),
        ("123456789012345.6", .decimal("123456789012345.6")),
        ("99999999999999999999", .decimal("99999999999999999999")),
        ("9223372036854775807", .int(Int64.max)),
        ("true", .bool(true)), ("FALSE", .bool(false)), ("yes", .text("yes")),
        ("2024-12-01", .date("2024-12-01")), ("2024-02-30", .text("2024-02-30")), ("2024-02-29", .date("2024-02-29")),
        ("2024-12-01T10:00:00Z", .timestamp("2024-12-01T10:00:00Z")),
        ("2024-12-01 10:00:00.123-05:00", .timestamp("2024-12-01 10:00:00.123-05:00")),
        ("2024-12-01T10:00:00+0530", .timestamp("2024-12-01T10:00:00+0530")),
        ("2024-12-01T10:00:00", .text("2024-12-01T10:00:00")),
        ("2024-12-01T25:00:00Z", .text("2024-12-01T25:00:00Z")),
        ("Doe, Jane", .text("Doe, Jane")), ("12 Main St", .text("12 Main St")),
    ])
    func textIsClassifiedWithoutLosingWhatItSpells(text: String, expected: FieldValue) {
        #expect(TextInference.value(of: text) == expected)
    }

    @Test func everyValueSurvivesWideningToText() {
        let values: [FieldValue] = [
            .bool(true), .int(-12), .double(2500.5), .double(30), .decimal("1.10"),
            .date("2024-12-01"), .timestamp("2024-12-01T10:00:00Z"), .json("{\"a\":1}"),
        ]
        #expect(
            values.map { $0.coerced(to: .text) } == [
                .text("true"), .text("-12"), .text("2500.5"), .text("30.0"),
                .text("1.10"), .text("2024-12-01"), .text("2024-12-01T10:00:00Z"),
                .text("{\"a\":1}"),
            ])
    }

    @Test(arguments: [
        ("3818.50", FieldValue.double(3818.5)), ("20", .int(20)), ("-0.125", .double(-0.125)),
        ("12345678901234.5", .double(12345678901234.5)), ("123456789012345.6", nil), ("9223372036854775808", nil),
        ("0.000000000000001", .double(1e-15)), ("1e5", nil),
    ])
    func decimalsBecomeNumbersOnlyWhereTheNumberIsExact(text: String, expected: FieldValue?) {
        #expect(FieldValue.exactNumber(decimal: text) == expected)
    }

    // The one-pass reading of `-?digits.digits` must give exactly what `Double(text)`
    // gives, for every length of mantissa and fraction it takes, and hand the rest on.
    @Test func decimalsReadInOnePassEqualTheStandardLibrarysDoubles() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let whole = String(UInt64.random(in: 0...999_999_999_999, using: &generator))
            let fractionLength = Int.random(in: 1...12, using: &generator)
            let fraction = String((0..<fractionLength).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let text = (Bool.random(using: &generator) ? "-" : "") + whole + "." + fraction
            let significant = (whole + fraction).drop { $0 == "0" }.count
            let expected: FieldValue? = significant <= 15 ? .double(Double(text)!) : nil
            #expect(FieldValue.exactNumber(decimal: text) == expected, "\(text)")
        }
        #expect(FieldValue.exactNumber(decimal: "-0.0") == .double(-0.0))
        #expect(FieldValue.exactNumber(decimal: "0.1") == .double(0.1))
        #expect(FieldValue.exactNumber(decimal: ".5") == .double(0.5))
        #expect(FieldValue.exactNumber(decimal: "1.2.3") == nil)
    }

    @Test func fractionalCursorsCompareByValue() {
        #expect(CursorOrdering.isLess("9.50", "10.25"))
        #expect(CursorOrdering.maximum("2.5", "10") == "10")
    }

    @Test func integersMeetFractionsInDoubleUnlessADoubleWouldRoundThem() {
        var small = FieldTypeAccumulator()
        small.observe(.int(12))
        small.observe(.double(12.5))
        #expect(small.resolved == .double)
        var wide = FieldTypeAccumulator()
        wide.observe(.int(9_007_199_254_740_993))
        wide.observe(.double(0.5))
        #expect(wide.resolved == .decimal)
        var mixed = FieldTypeAccumulator()
        mixed.observe(.int(1))
        mixed.observe(.date("2024-12-01"))
        #expect(mixed.resolved == .text)
        #expect(FieldValue.int(9_007_199_254_740_993).coerced(to: .decimal) == .decimal("9007199254740993"))
    }
}

@Suite struct ColumnNameTests {
    @Test(arguments: [
        ("Order ID", "order_id"), ("totalPrice", "total_price"), ("Customer Name", "customer_name"),
        ("Prix (€)", "prix"), ("Créé le", "cree_le"), ("2nd line", "_2nd_line"), ("_file_name", "_file_name"),
        ("日本", "column"), ("a--b__c", "a_b_c"), ("Landing Site Source", "landing_site_source"),
    ])
    func fieldNamesBecomeSnakeCaseIdentifiers(field: String, column: String) {
        #expect(ColumnName.normalize(field) == column)
    }

    @Test func longNamesAreCutToPostgresLimit() {
        #expect(ColumnName.normalize(String(repeating: "abc ", count: 40)).utf8.count == 63)
    }

    @Test func aSecondFieldNormalizingAlikeGetsASuffixAndTheFirstKeepsItsColumn() {
        var schema = TableSchema(table: "t", columns: [ColumnDefinition(name: "order_id", type: .bigint, field: "Order ID")])
        let name = schema.columnName(forNewField: "order_id", reserved: ["_load_id"])
        #expect(name == "order_id_2")
        schema.columns.append(ColumnDefinition(name: name, type: .text, field: "order_id"))
        #expect(schema.index(ofField: "Order ID") == 0)
        #expect(schema.columnName(forNewField: "ORDER-ID", reserved: []) == "order_id_3")
    }
}

@Suite struct SchemaEvolutionTests {
    @Test func aLoadAddsItsNewColumnsAndWidensSharedOnes() {
        let table = TableSchema(
            table: "t",
            columns: [
                ColumnDefinition(name: "id", type: .bigint, field: "id"),
                ColumnDefinition(name: "total", type: .bigint, field: "total"),
                ColumnDefinition(name: "paid", type: .bool, field: "paid"),
            ])
        let load = TableSchema(
            table: "t",
            columns: [
                ColumnDefinition(name: "id", type: .bigint, field: "id"),
                ColumnDefinition(name: "total", type: .double, field: "total"),
                ColumnDefinition(name: "paid", type: .text, field: "paid"),
                ColumnDefinition(name: "note", type: .text, field: "Note"),
            ])
        let (result, changes) = SchemaEvolution.plan(table: table, load: load)
        #expect(result.columns.map(\.type) == [.bigint, .double, .text, .text])
        #expect(
            changes == [
                .widenColumn(name: "total", from: .bigint, to: .double),
                .widenColumn(name: "paid", from: .bool, to: .text),
                .addColumn(ColumnDefinition(name: "note", type: .text, field: "Note")),
            ])
        let wide = SchemaEvolution.plan(table: table, load: load, wideIntegerColumns: ["total"])
        #expect(wide.result.columns[1].type == .decimal)
        #expect(SchemaEvolution.columnsWideningToDouble(table: table, load: load) == ["total"])
    }

    @Test func aNarrowerLoadLeavesTheTableAlone() {
        let table = TableSchema(table: "t", columns: [ColumnDefinition(name: "v", type: .text, field: "v")])
        let load = TableSchema(table: "t", columns: [ColumnDefinition(name: "v", type: .bigint, field: "v")])
        #expect(SchemaEvolution.plan(table: table, load: load).changes.isEmpty)
    }

    @Test func cursorsCompareNumbersByValueAndDatesByText() {
        #expect(CursorOrdering.maximum("9", "10") == "10")
        #expect(CursorOrdering.maximum("2024-12-09", "2024-12-10") == "2024-12-10")
        #expect(CursorOrdering.maximum(nil, "2024-12-01") == "2024-12-01")
    }
}

import Foundation
import Testing

/// `signalroom report` and `models apply` with the reports, models and seeds this
/// repository ships, on a warehouse loaded by the real connectors from loopback servers.
@Suite(.serialized)
struct ReportTests {
    static let repository = S3SyncTests.repository
    static var shipped: [String: String] {
        [
            "SIGNALROOM_REPORTS_DIR": repository.appendingPathComponent("reports").path,
            "SIGNALROOM_MODELS_DIR": repository.appendingPathComponent("models").path,
            "SIGNALROOM_SEEDS_DIR": repository.appendingPathComponent("seeds").path,
        ]
    }

    /// Two days of Everflow (an internal affiliate, an external one with conversions, one
    /// with none, another advertiser) and RedTrack (a mapped source, an unmapped one whose
    /// spend must not count, rows without a source), then the seeds and models.
    func seededWarehouse(_ kind: WarehouseKind, _ body: (SyncFixture, [String: String]) async throws -> Void) async throws {
        var stats: [FakeEverflow.Stat] = []
        for day in ["2024-12-01", "2024-12-02"] {
            stats += [
                FakeEverflow.Stat(
                    day: day, affiliateId: "12", affiliateLabel: "G2 - Meta ", advertiserId: "1", clicks: 150, conversions: 25,
                    revenue: 2500, payout: 1875),
                FakeEverflow.Stat(
                    day: day, affiliateId: "31", affiliateLabel: "Partner Co", advertiserId: "1", clicks: 80, conversions: 0,
                    revenue: 0, payout: 0),
                FakeEverflow.Stat(
                    day: day, affiliateId: "55", affiliateLabel: "Deals Hub", advertiserId: "1", clicks: 60,
                    conversions: day == "2024-12-01" ? 10 : 4,
                    revenue: 1000, payout: 450),
                FakeEverflow.Stat(
                    day: day, affiliateId: "55", affiliateLabel: "Deals Hub", advertiserId: "2", clicks: 9, conversions: 3,
                    revenue: 90, payout: 60),
            ]
        }
        let everflow = try await LoopbackHTTPServer.start(FakeEverflow(stats: stats).handle)
        let redtrack = try await LoopbackHTTPServer.start(FakeRedTrack(days: ["2024-12-01", "2024-12-02"]).handle)
        try await SyncFixture.with(kind) { fixture in
            // The report's SQL names the real datasets: a state directory of its own on SQLite;
            // on PostgreSQL this suite is the only one that uses those schema names.
            var environment = Self.shipped
            environment["EVERFLOW_API_KEY"] = FakeEverflow.key
            environment["EVERFLOW_BASE_URL"] = everflow.baseURL
            environment["REDTRACK_API_KEY"] = FakeRedTrack.key
            environment["REDTRACK_BASE_URL"] = redtrack.baseURL
            environment["REDTRACK_PACING_SECONDS"] = "0"
            environment["EVERFLOW_DATASET"] = ""
            environment["REDTRACK_DATASET"] = ""
            if kind == .postgres { _ = try await fixture.query("DROP SCHEMA IF EXISTS everflow, redtrack, analytics CASCADE") }
            for source in ["everflow", "redtrack"] {
                let sync = try await fixture.run(
                    ["sync", source, "--start-date", "2024-12-01", "--end-date", "2024-12-02"], environment: environment)
                try #require(sync.status == 0, "\(sync.stderr)")
            }
            let applied = try await fixture.run(["models", "apply"], environment: environment)
            try #require(applied.status == 0, "\(applied.stderr)")
            #expect(
                applied.stdout.contains("seed analytics.affiliate_mapping: 2 rows") && applied.stdout.contains("model daily_performance"),
                "\(applied.stdout)")
            try await body(fixture, environment)
        }
        await everflow.stop()
        await redtrack.stop()
    }

    static let expectedSlack = """
        *CCW daily report: Sun, Dec 1, 2024*
        *35* conversions · *$8,275.50* spend · CPA *$236.44*
        >Internal (paid media): 25 conv · $7,825.50 · CPA $313.02
        >External (affiliates): 10 conv · $450.00 · CPA $45.00
        *Top affiliates*
        1. G2 - Meta _(internal)_: 25 conv · CPA $313.02
        2. Deals Hub: 10 conv · CPA $45.00

        """

    @Test func dailyReportGivesTheSameTextOnSQLiteAndPostgreSQL() async throws {
        var rendered: [WarehouseKind: String] = [:]
        for kind in WarehouseKind.allCases {
            try await seededWarehouse(kind) { fixture, environment in
                let result = try await fixture.run(["report", "daily_ccw", "--date", "2024-12-01", "--channel", "slack"], environment: environment)
                #expect(result.status == 0, "\(kind): \(result.stderr)")
                rendered[kind] = result.stdout
                let sms = try await fixture.run(["report", "daily_ccw", "--date", "2024-12-01", "--channel", "sms"], environment: environment)
                #expect(
                    sms.stdout.hasPrefix("CCW Dec 1: 35 conv, $8,275.50, CPA $236.44. Int 25 @ $313.02, Ext 10 @ $45.00"), "\(kind): \(sms.stdout)")
                let email = try await fixture.run(
                    ["report", "daily_ccw", "--date", "2024-12-01", "--channel", "email", "--json"], environment: environment)
                let object = try SyncFixture.json(email.stdout)
                #expect(object["subject"] as? String == "CCW daily report: Sun, Dec 1, 2024")
                #expect((object["text"] as? String)?.contains("<li>G2 - Meta: 25 conversions, CPA $313.02</li>") == true, "\(email.stdout)")
            }
        }
        #expect(rendered[.sqlite] == Self.expectedSlack + "\n", "SQLite rendered:\n\(rendered[.sqlite] ?? "")")
        #expect(rendered[.sqlite] == rendered[.postgres], "PostgreSQL rendered:\n\(rendered[.postgres] ?? "")")
    }

    /// The sample export `scripts/main` loads feeds a shipped report: source, warehouse and
    /// report in one go, the same text on both warehouses.
    @Test func theSampleReportShowsTheSampleExportsDayOnBothWarehouses() async throws {
        var rendered: [WarehouseKind: String] = [:]
        for kind in WarehouseKind.allCases {
            try await SyncFixture.with(kind) { fixture in
                var environment = Self.shipped
                environment["FILES_SOURCE_DIR"] = Self.repository.appendingPathComponent("samples/exports").path
                environment["FILES_DATASET"] = ""  // the report's SQL names the default dataset, `files`
                if kind == .postgres { _ = try await fixture.query("DROP SCHEMA IF EXISTS files CASCADE") }
                let sync = try await fixture.run(["sync", "files"], environment: environment)
                try #require(sync.status == 0, "\(sync.stderr)")
                let report = try await fixture.run(["report", "sample_orders", "--date", "2024-12-02"], environment: environment)
                #expect(report.status == 0, "\(kind): \(report.stderr)")
                rendered[kind] = report.stdout
                if kind == .postgres { _ = try await fixture.query("DROP SCHEMA IF EXISTS files CASCADE") }
            }
        }
        let sqlite = rendered[.sqlite] ?? ""
        #expect(
            sqlite.hasPrefix("*Sample shop: Mon, Dec 2, 2024*\n*55* orders · *$2,967.16* revenue · $168.14 discounts · 20 earlier orders updated\n"),
            "\(sqlite)")
        #expect(sqlite.contains("facebook: 14 orders · $851.18\n"), "\(sqlite)")
        #expect(rendered[.postgres] == sqlite, "PostgreSQL rendered:\n\(rendered[.postgres] ?? "")")
    }

    @Test func anEmptyDayRendersZerosNotAnError() async throws {
        try await seededWarehouse(.sqlite) { fixture, environment in
            let result = try await fixture.run(["report", "daily_ccw", "--date", "2024-11-15"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("*0* conversions · *$0.00* spend · CPA *$0.00*"), "\(result.stdout)")
            #expect(result.stdout.contains("No conversions that day."))
            let check = try await fixture.run(["report", "test_sync", "--date", "2024-11-15"], environment: environment)
            #expect(
                check.stdout.contains("Everflow: 0 conversions (0 rows)") && check.stdout.contains("RedTrack: $0.00 spend (0 rows)"),
                "\(check.stdout)")
        }
    }

    @Test func badReportChannelAndParametersAreUsageErrors() async throws {
        try await seededWarehouse(.sqlite) { fixture, environment in
            let cases: [([String], String)] = [
                (["report", "nightly"], "no report \"nightly\""),
                (["report", "test_sync", "--channel", "sms"], "report test_sync has no sms channel"),
                (["report", "daily_ccw", "--param", "region=eu"], "report daily_ccw has no parameter \"region\""),
                (
                    ["report", "daily_ccw", "--param", "advertiser_id=1; DROP TABLE everflow.daily_stats"],
                    "parameter advertiser_id is \"1; DROP TABLE everflow.daily_stats\"; expected a whole number"
                ),
                (["report", "daily_ccw", "--date", "2024-12-01' OR '1'='1"], "expected a date"),
            ]
            for (arguments, message) in cases {
                let result = try await fixture.run(arguments, environment: environment)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            }
            // A text parameter is bound as text: the alert report prints it as written.
            let hostile = "x'); DROP TABLE everflow.daily_stats; --"
            let alert = try await fixture.run(
                ["report", "alert", "--channel", "stdout", "--param", "title=\(hostile)", "--param", "level=error"], environment: environment)
            #expect(alert.stdout.contains(hostile), "\(alert.stdout)\(alert.stderr)")
            #expect(try await fixture.scalar("SELECT count(*) FROM everflow.daily_stats", datasets: ["everflow"]) == "8")
        }
    }

    @Test func outputWritesWhatStdoutWouldShowAndABadPathIsAUsageError() async throws {
        try await seededWarehouse(.sqlite) { fixture, environment in
            let arguments = ["report", "daily_ccw", "--date", "2024-12-01", "--channel", "email"]
            let printed = try await fixture.run(arguments, environment: environment)
            #expect(printed.stdout.hasPrefix("Subject: CCW daily report: Sun, Dec 1, 2024\n\n"), "\(printed.stdout)")
            let file = fixture.exports.appendingPathComponent("email.html")
            let written = try await fixture.run(arguments + ["--output", file.path], environment: environment)
            #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
            #expect(try String(contentsOf: file, encoding: .utf8) == printed.stdout)

            let missing = fixture.exports.appendingPathComponent("no-such-dir/email.html").path
            let refused = try await fixture.run(arguments + ["--output", missing], environment: environment)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("cannot write --output \(missing)") && refused.stderr.contains("directory exists"), "\(refused.stderr)")
            let both = try await fixture.run(arguments + ["--output", file.path, "--send"], environment: environment)
            #expect(both.status == 2 && both.stderr.contains("cannot be combined with --send"), "\(both.stderr)")
        }
    }

    @Test func templateErrorNamesTheTemplateAndLine() async throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-reports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: reports) }
        try FileManager.default.createDirectory(at: reports.appendingPathComponent("broken"), withIntermediateDirectories: true)
        try Data(#"{"version": 1, "params": [], "queries": [], "channels": ["slack"]}"#.utf8).write(
            to: reports.appendingPathComponent("broken/report.json"))
        try Data("first line\nsecond line\n{% for x in %}\n{% endfor %}\n".utf8).write(to: reports.appendingPathComponent("broken/slack.stencil"))
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(["report", "broken"], environment: ["SIGNALROOM_REPORTS_DIR": reports.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("template reports/broken/slack.stencil line 3"), "\(result.stderr)")
        }
    }
}

import Foundation
import Testing

/// `signalroom sync everflow|redtrack` against loopback servers that follow the documented
/// request and response shapes and check the credentials.
@Suite(.serialized)
struct ConnectorSyncTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// Days before today in New York (1 = yesterday), as the connectors count them.
    static func daysAgo(_ count: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = newYork
        let day = calendar.date(byAdding: .day, value: -count, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    static func everflowStats(days: [String]) -> [FakeEverflow.Stat] {
        days.enumerated().flatMap { index, day in
            [
                FakeEverflow.Stat(
                    day: day, affiliateId: "12", affiliateLabel: "G2 - Meta", advertiserId: "1", clicks: 150, conversions: 25,
                    revenue: 2500, payout: 1875, zoneMidnight: index % 2 == 1),
                FakeEverflow.Stat(
                    day: day, affiliateId: "31", affiliateLabel: "Partner Co ", advertiserId: "1", clicks: 80, conversions: 0,
                    revenue: 0, payout: 0),
                FakeEverflow.Stat(
                    day: day, affiliateId: "31", affiliateLabel: "Partner Co ", advertiserId: "2", clicks: 40, conversions: 4,
                    revenue: 400, payout: 300.5),
                // Advertiser 3 is not ours: the server sends it anyway, the client drops it.
                FakeEverflow.Stat(
                    day: day, affiliateId: "44", affiliateLabel: "Other", advertiserId: "3", clicks: 9, conversions: 1,
                    revenue: 10, payout: 5),
            ]
        }
    }

    func everflowEnvironment(_ server: LoopbackHTTPServer, _ fixture: SyncFixture) -> [String: String] {
        [
            "EVERFLOW_API_KEY": FakeEverflow.key, "EVERFLOW_BASE_URL": server.baseURL, "EVERFLOW_PAGE_SIZE": "3",
            "EVERFLOW_DATASET": fixture.dataset, "SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS": "0.05",
        ]
    }

    func redtrackEnvironment(_ server: LoopbackHTTPServer, _ fixture: SyncFixture) -> [String: String] {
        [
            "REDTRACK_API_KEY": FakeRedTrack.key, "REDTRACK_BASE_URL": server.baseURL, "REDTRACK_PACING_SECONDS": "0.01",
            "REDTRACK_DATASET": fixture.dataset, "SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS": "0.05",
        ]
    }

    static func result(_ stdout: String) throws -> [String: Any] {
        let object = try SyncFixture.json(stdout)
        return try #require((object["result"] as? [String: Any]) ?? object["output"] as? [String: Any], "\(stdout)")
    }

    // MARK: Everflow

    @Test func everflowPagesUntilAShortPageFiltersAdvertisersAndMerges() async throws {
        let fake = FakeEverflow(stats: Self.everflowStats(days: ["2024-12-01", "2024-12-02"]))
        let server = try await LoopbackHTTPServer.start(fake.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let environment = everflowEnvironment(server, fixture)
            let arguments = ["sync", "everflow", "--start-date", "2024-12-01", "--end-date", "2024-12-02", "--json"]
            let first = try await fixture.run(arguments, environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            let output = try Self.result(first.stdout)
            let table = try #require((output["tables"] as? [[String: Any]])?.first)
            #expect(table["rows"] as? Int == 6)
            #expect(table["skippedRows"] as? Int == 2)

            // 8 rows in the range, 3 a page: pages 1, 2 and the short page 3, every one with the key.
            let requests = server.requests
            #expect(requests.count == 3)
            #expect(requests.compactMap { ($0.json?["query"] as? [String: Any])?["page"] as? Int } == [1, 2, 3])
            #expect(requests.allSatisfy { $0.headers["x-eflow-api-key"] == FakeEverflow.key })
            #expect(requests.allSatisfy { $0.headers["user-agent"] == "signalroom" }, "\(requests.map(\.headers))")
            #expect(requests.allSatisfy { $0.json?["from"] as? String == "2024-12-01" && $0.json?["to"] as? String == "2024-12-02" })

            let rows = try await fixture.query(
                """
                SELECT date, affiliate_id, affiliate_label, advertiser_id, advertiser_label, clicks, conversions, revenue, payout, profit, _client_id
                FROM \(fixture.dataset).daily_stats ORDER BY date, affiliate_id, advertiser_id
                """)
            #expect(rows.count == 6)
            #expect(rows.first == "2024-12-01|12|G2 - Meta|1|CCW|150|25|2500.0|1875.0|625.0|default")
            // The second day's ids were New York midnights: still that calendar day.
            #expect(rows.filter { $0.hasPrefix("2024-12-02|") }.count == 3)
            #expect(!rows.contains { $0.contains("|3|") && $0.contains("Other") })
            #expect(fake.rejected.isEmpty, "requests the fake refused: \(fake.rejected)")

            let again = try await fixture.run(arguments, environment: environment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await fixture.count("daily_stats") == 6)
        }
        await server.stop()
    }

    @Test func everflowRetriesRateLimitServerErrorAndCutOffBody() async throws {
        let fake = FakeEverflow(
            stats: Self.everflowStats(days: ["2024-12-01"]),
            faults: [
                .text(#"{"error":"rate limited"}"#, status: 429, contentType: "application/json", headers: ["Retry-After": "1"]),
                .text("upstream failed", status: 500),
                .truncated(declaredLength: 400, body: Data(#"{"table":[{"columns":"#.utf8)),
            ])
        let server = try await LoopbackHTTPServer.start(fake.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(
                ["sync", "everflow", "--start-date", "2024-12-01", "--end-date", "2024-12-01"],
                environment: everflowEnvironment(server, fixture))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try await fixture.count("daily_stats") == 3)
            let requests = server.requests
            #expect(requests.count == 5, "429, 500, cut-off body, then pages 1 and 2")
            // Retry-After: 1 was honoured before the next request.
            #expect(requests[1].received.timeIntervalSince(requests[0].received) >= 0.95)
        }
        await server.stop()
    }

    @Test func everflowHTMLErrorPageIsAClearErrorWithItsFirstBytes() async throws {
        let server = try await LoopbackHTTPServer.start { request in
            request.headers["x-eflow-api-key"] == FakeEverflow.key
                ? .text("<html><head><title>Maintenance</title></head><body>Back soon</body></html>", status: 200, contentType: "text/html")
                : .json(["error": "Invalid API key"], status: 401)
        }
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(
                ["sync", "everflow", "--start-date", "2024-12-01", "--end-date", "2024-12-01", "--no-notify-on-failure"],
                environment: everflowEnvironment(server, fixture))
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("expected JSON, got text/html") && result.stderr.contains("<html><head><title>Maintenance"), "\(result.stderr)"
            )
            #expect(try fixture.cli.historyLines("sync-everflow").filter { $0.eventType == "ActivityTaskStarted" }.count == 1)
        }
        await server.stop()
    }

    @Test func everflowWrongKeyFailsAtOnceAndTheKeyIsNeverWritten() async throws {
        let fake = FakeEverflow(stats: Self.everflowStats(days: ["2024-12-01"]))
        let server = try await LoopbackHTTPServer.start(fake.handle)
        let wrongKey = "ef-wrong-key-0f9e8d7c"
        try await SyncFixture.with(.sqlite) { fixture in
            var environment = everflowEnvironment(server, fixture)
            environment["EVERFLOW_API_KEY"] = wrongKey
            let result = try await fixture.run(
                ["sync", "everflow", "--start-date", "2024-12-01", "--end-date", "2024-12-01"],
                environment: environment)
            #expect(result.status == 1)
            #expect(result.stderr.contains("Everflow refused the credentials in EVERFLOW_API_KEY (HTTP 401"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(wrongKey))
            #expect(server.requests.count == 1, "a refused key is not retried")
            for (path, bytes) in fixture.cli.stateSnapshot() {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(wrongKey), "the key reached state/\(path)")
            }
        }
        await server.stop()
    }

    // MARK: RedTrack

    @Test func redtrackAsksOneDayAtATimeSkipsRowsWithoutSourceAndReadsLooseNumbers() async throws {
        let days = ["2024-12-01", "2024-12-02", "2024-12-03"]
        let fake = FakeRedTrack(
            days: days,
            faults: [
                .text(#"{"error":"too many requests"}"#, status: 429, contentType: "application/json", headers: ["Retry-After": "1"])
            ])
        let server = try await LoopbackHTTPServer.start(fake.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(
                ["sync", "redtrack", "--start-date", "2024-12-01", "--end-date", "2024-12-03", "--json"],
                environment: redtrackEnvironment(server, fixture))
            #expect(result.status == 0, "\(result.stderr)")
            let table = try #require((try Self.result(result.stdout)["tables"] as? [[String: Any]])?.first)
            #expect(table["rows"] as? Int == 6)
            #expect(table["skippedRows"] as? Int == 6)
            let requested = server.requests.filter { $0.query["api_key"] == FakeRedTrack.key }.map { $0.query["date_from"] ?? "" }
            #expect(requested == ["2024-12-01", "2024-12-01", "2024-12-02", "2024-12-03"], "the 429 was retried, then one request a day")
            let rows = try await fixture.query(
                "SELECT date, source_id, source_name, source_alias, clicks, conversions, cost FROM \(fixture.dataset).daily_spend ORDER BY date, source_id"
            )
            #expect(rows.prefix(2) == ["2024-12-01|66c7a1|Facebook CCW|facebook|1001|41|7825.5", "2024-12-01|77d8b2|Google CCW|google|501|0|120.25"])
            #expect(try await fixture.cursor("daily_spend") == "2024-12-03")
        }
        await server.stop()
    }

    @Test func redtrackBackfillKilledMidwayResumesAtTheNextDay() async throws {
        let days = (1...6).map { String(format: "2024-12-%02d", $0) }
        let fake = FakeRedTrack(days: days)
        let server = try await LoopbackHTTPServer.start(fake.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let arguments = ["sync", "redtrack", "--start-date", "2024-12-01", "--end-date", "2024-12-06"]
            let environment = redtrackEnvironment(server, fixture)
            // Each finished day is one committed chunk: die right after the third is recorded.
            // The reader runs ahead of the commits, so day 4 may already have been asked for;
            // it was not committed, so the resumed load asks for it again.
            let killed = try await fixture.run(arguments, environment: environment.merging(["SIGNALROOM_TEST_KILL_AT": "staged:3"]) { $1 })
            #expect(killed.killedBySignal, "\(killed.stderr)")
            let beforeKill = server.requests.map { $0.query["date_from"] ?? "" }
            #expect(Array(beforeKill.prefix(3)) == Array(days.prefix(3)) && beforeKill.count <= 4, "\(beforeKill)")

            let resumed = try await fixture.run(arguments, environment: environment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let asked = server.requests.map { $0.query["date_from"] ?? "" }
            let resumedAsked = Array(asked.dropFirst(beforeKill.count))
            #expect(resumedAsked == Array(days.dropFirst(3)), "the resumed load starts at the next day: \(asked)")
            #expect(try await fixture.count("daily_spend") == 12)
            #expect(try await fixture.query("SELECT status, rows FROM \(fixture.dataset)._signalroom_loads") == ["completed|12"])
        }
        await server.stop()
    }

    @Test func missingKeyIsAConfigurationErrorNamingTheVariable() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(["sync", "redtrack"], environment: ["REDTRACK_API_KEY": ""])
            #expect(result.status == 2)
            #expect(result.stderr.contains("REDTRACK_API_KEY"), "\(result.stderr)")
            let sources = try await fixture.run(["sources"], environment: ["REDTRACK_API_KEY": ""])
            #expect(sources.stdout.contains("REDTRACK_API_KEY (required)"), "\(sources.stdout)")
        }
    }

    // MARK: Both, through ScheduledSyncWorkflow

    @Test(arguments: WarehouseKind.allCases)
    func hourlySyncOfEverflowAndRedtrackLoadsBothThroughYesterday(_ kind: WarehouseKind) async throws {
        let days = [Self.daysAgo(2), Self.daysAgo(1)]
        let everflow = FakeEverflow(stats: Self.everflowStats(days: days + [Self.daysAgo(0)]))
        let redtrack = FakeRedTrack(days: days + [Self.daysAgo(0)])
        let everflowServer = try await LoopbackHTTPServer.start(everflow.handle)
        let redtrackServer = try await LoopbackHTTPServer.start(redtrack.handle)
        try await SyncFixture.with(kind) { fixture in
            var environment = everflowEnvironment(everflowServer, fixture).merging(redtrackEnvironment(redtrackServer, fixture)) { $1 }
            environment["REDTRACK_DATASET"] = fixture.dataset + "_rt"
            environment["EVERFLOW_START_DATE"] = days[0]
            environment["REDTRACK_START_DATE"] = days[0]
            let result = try await fixture.run(["sync", "everflow", "redtrack", "--json"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let sources = try #require(try Self.result(result.stdout)["sources"] as? [[String: Any]])
            #expect(sources.map { $0["source"] as? String ?? "" } == ["everflow", "redtrack"])
            #expect(sources.map { $0["rows"] as? Int ?? -1 } == [6, 4])
            #expect(try fixture.cli.historyLines("sync-everflow-redtrack").first?.attributes["workflowType"] as? String == "ScheduledSyncWorkflow")

            // Today is not over: neither source asks for it.
            #expect(redtrackServer.requests.map { $0.query["date_from"] ?? "" } == days)
            #expect(everflowServer.requests.allSatisfy { $0.json?["to"] as? String == days[1] })
            let spend = try await fixture.query(
                "SELECT count(*), sum(cost) FROM \(fixture.dataset)_rt.daily_spend", datasets: [fixture.dataset + "_rt"])
            #expect(spend.first.map { $0.hasPrefix("4|") } == true, "\(spend)")
            #expect(try await fixture.cursor("daily_stats") == days[1])
        }
        await everflowServer.stop()
        await redtrackServer.stop()
    }
}

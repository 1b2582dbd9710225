import Foundation
import Testing

/// `signalroom ui`: every page fetched over HTTP from the real binary over a state with
/// completed, failed, parked and scheduled runs, a loaded and a failed pipeline, and values
/// chosen to break out of HTML wherever they are shown. One test at a time: each starts
/// processes and a server, and the rest of the suite runs beside them on two cores.
@Suite(.serialized)
struct ConsoleTests {
    /// What every hostile value below contains: a tag, both quotes, the end of a textarea, an
    /// emoji and an ampersand.
    static let hostile = "<script>alert(1)</script>\"'</textarea>😀&amp;"

    /// A state and warehouse with something on every page.
    static func populate(_ fixture: SyncFixture) async throws {
        let cli = fixture.cli
        let long = String(repeating: "x", count: 10_000)
        let input = "{\"steps\":2,\"name\":\(jsonString(hostile + long))}"
        let completed = try await fixture.run(["workflow", "start", "demo", "--id", "hello", "--input", input])
        try #require(completed.status == 0, "\(completed.stderr)")
        let failed = try await fixture.run([
            "workflow", "start", "demo", "--id", "fails",
            "--input", "{\"steps\":2,\"failStep\":1,\"failTimes\":9,\"retryInitialSeconds\":0.01,\"name\":\(jsonString(hostile))}",
        ])
        try #require(failed.status == 1, "\(failed.stderr)")
        let parked = try await fixture.run(["workflow", "start", "demo", "--id", "waits", "--input", "{\"steps\":1,\"timerSeconds\":3600}"])
        try #require(parked.status == 5, "\(parked.stderr)")
        _ = try cli.writeSchedules([
            [
                "id": "monthly", "cron": "0 7 1 * *", "timezone": "America/New_York", "workflow": "demo", "input": ["steps": 1],
                "note": hostile, "overlap": "skip",
            ]
        ])
        let setup = try await fixture.run(["schedule-setup"])
        try #require(setup.status == 0, "\(setup.stderr)")
        let triggered = try await fixture.run(["schedule", "trigger", "monthly"])
        try #require(triggered.status == 0, "\(triggered.stderr)")
        try fixture.write("orders/orders_2024-12-01.csv", csv(["id", hostile, "status"], [["1", hostile, "paid"], ["2", "b", "refunded"]]))
        let synced = try await fixture.sync()
        try #require(synced.status == 0, "\(synced.stderr)")
        try fixture.write("orders/orders_2024-12-02.csv", "id,\(csvField(hostile)),status\n3,\(csvField(hostile)),paid,extra\n")
        let bad = try await fixture.sync(["--no-notify-on-failure"])
        try #require(bad.status == 1, "\(bad.stderr)")
        // The sample export into the dataset the shipped sample report reads (`files`).
        let samples = try await fixture.sync(environment: [
            "FILES_SOURCE_DIR": S3SyncTests.repository.appendingPathComponent("samples/exports").path, "FILES_DATASET": "",
        ])
        try #require(samples.status == 0, "\(samples.stderr)")
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    static func csvField(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    @Test func everyPageIsServedWithWhatItShouldShowAndTheSecurityHeaders() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try await Self.populate(fixture)
            let console = try await ConsoleHarness.start(fixture.cli, environment: fixture.environment)
            defer { console.stop() }

            let root = try await console.get("/")
            #expect(root.status == 303 && root.headers["location"] == "/runs")
            let runs = try await console.get("/runs")
            #expect(runs.status == 200)
            #expect(runs.headers["content-security-policy"]?.contains("default-src 'none'") == true)
            #expect(runs.headers["content-security-policy"]?.contains("script-src") == false, "no script source is allowed at all")
            #expect(runs.headers["x-frame-options"] == "DENY" && runs.headers["x-content-type-options"] == "nosniff")
            for id in ["hello", "fails", "waits", "sync-files", "monthly-"] { #expect(runs.body.contains(id), "runs lists \(id)") }
            #expect(runs.body.contains("<span") || runs.body.contains("class=\"status failed\""))
            #expect(runs.body.contains("parked"), "the waiting run is parked")

            let failed = try await console.get("/runs/fails")
            #expect(failed.status == 200)
            #expect(failed.body.contains("DemoFailure") && failed.body.contains("attempt 5"), "\(failed.body.prefix(3000))")
            #expect(failed.body.contains("<svg class=\"timeline\"") && failed.body.contains("attempt-failed"))
            #expect(failed.body.contains("ActivityTaskFailed") && failed.body.contains("WorkflowExecutionFailed"))
            #expect(failed.body.contains("<h2>Log</h2>") && failed.body.contains("retrying"), "the run's log is shown")

            let waits = try await console.get("/runs/waits")
            #expect(waits.body.contains("class=\"status parked\"") && waits.body.contains("TimerStarted") && waits.body.contains("class=\"timer\""))

            // The scheduled run links to its schedule, which shows its policy and next fires.
            let scheduledLink = try #require(ConsoleHarness.links(runs.body).first { $0.hasPrefix("/runs/monthly-") })
            let scheduled = try await console.get(scheduledLink)
            #expect(scheduled.body.contains("href=\"/schedules/monthly\""), "\(scheduled.body.prefix(2000))")
            let schedule = try await console.get("/schedules/monthly")
            #expect(schedule.status == 200)
            #expect(schedule.body.contains("America/New_York") && schedule.body.contains("0 7 1 * *") && schedule.body.contains("skip"))
            #expect(schedule.body.contains("daylight-saving change: UTC offset -05:00 → -04:00"), "\(schedule.body)")
            #expect(schedule.body.contains("triggered") && schedule.body.contains("completed"))
            let schedules = try await console.get("/schedules")
            #expect(schedules.body.contains("href=\"/schedules/monthly\"") && schedules.body.contains("paused") == false)

            let pipelines = try await console.get("/pipelines")
            #expect(pipelines.body.contains("href=\"/pipelines/files\"") && pipelines.body.contains(fixture.dataset))
            let files = try await console.get("/pipelines/files")
            #expect(files.body.contains("orders") && files.body.contains("bigint") && files.body.contains("source field"))
            #expect(files.body.contains("failed") && files.body.contains("line 2"), "the failed load and its error")
            #expect(files.body.contains("href=\"/runs/sync-files/"), "the failed load links to its sync run")

            let reports = try await console.get("/reports")
            #expect(reports.body.contains("href=\"/reports/sample_orders\""))
            let report = try await console.get("/reports/sample_orders?date=2024-12-02&channel=stdout")
            #expect(report.status == 200)
            let printed = try await fixture.run(["report", "sample_orders", "--date", "2024-12-02", "--channel", "stdout"])
            #expect(printed.status == 0, "\(printed.stderr)")
            let firstLine = try #require(printed.stdout.split(separator: "\n").first.map(String.init))
            #expect(report.body.contains(firstLine.replacingOccurrences(of: "&", with: "&amp;")), "the page shows what `report` prints: \(firstLine)")

            let health = try await console.get("/health")
            #expect(health.status == 200 && health.body.contains("run-due") && health.body.contains("warehouse"))
            let css = try await console.get("/console.css")
            #expect(css.status == 200 && css.headers["content-type"]?.hasPrefix("text/css") == true)
        }
    }

    /// One populated state for both, since populating it is the slow part: every value that
    /// could break out of HTML is escaped wherever shown, and reading every page changes nothing.
    @Test func hostileValuesAreEscapedOnEveryPageAndReadingThemChangesNothing() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try await Self.populate(fixture)
            let console = try await ConsoleHarness.start(fixture.cli, environment: fixture.environment)
            defer { console.stop() }
            // The console's own log directory aside, every file of the state and the warehouse.
            func snapshot() -> [String: Data] { fixture.cli.stateSnapshot().filter { !$0.key.hasPrefix("logs/") } }
            let before = snapshot()
            var pages: [String: ConsoleHarness.Response] = [:]
            for path in try await Self.crawl(console) {
                pages[path] = try await console.get(path)
                _ = try await console.get(path, method: "HEAD")
            }
            _ = try await console.get("/reports/sample_orders?date=2024-12-03&channel=email")
            #expect(pages.count >= 12, "\(pages.keys.sorted())")
            // In JSON the quotes gain a backslash, so the pieces are looked for one by one.
            let pieces = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;", "&#39;&lt;/textarea&gt;😀&amp;amp;"]
            var shownOn: [String] = []
            for (path, page) in pages {
                #expect(!page.body.contains("<script"), "\(path) holds a raw <script")
                #expect(!page.body.contains("</textarea>"), "\(path) holds a raw </textarea>")
                if pieces.allSatisfy(page.body.contains) { shownOn.append(path) }
            }
            // The run inputs, the schedule note, the CSV's column and field names and values.
            for expected in ["/runs/hello/", "/runs/fails/", "/schedules/monthly", "/pipelines/files"] {
                #expect(shownOn.contains { $0.hasPrefix(expected) }, "\(expected) shows the hostile value escaped; shown on \(shownOn.sorted())")
            }
            let hello = try #require(pages.first { $0.key.hasPrefix("/runs/hello/") }?.value)
            #expect(hello.body.contains(String(repeating: "x", count: 10_000)), "a 10 kB value is shown whole")

            let after = snapshot()
            #expect(before.count > 10)
            #expect(Set(before.keys) == Set(after.keys), "files came or went: \(Set(before.keys).symmetricDifference(after.keys).sorted())")
            for (path, bytes) in before where after[path] != bytes { Issue.record("\(path) changed while the console was read") }
            for method in ["POST", "PUT", "DELETE", "PATCH"] {
                let refused = try await console.get("/runs/fails", method: method, headers: ["Content-Length": "0"])
                #expect(refused.status == 405, "\(method) answered \(refused.status)")
            }
        }
    }

    /// Every page reachable by following links from /runs, /schedules, /pipelines, /reports
    /// and /health (one level of query variants each).
    static func crawl(_ console: ConsoleHarness) async throws -> [String] {
        var seen: Set<String> = []
        var queue = ["/runs", "/schedules", "/pipelines", "/reports", "/health"]
        while let path = queue.first, seen.count < 200 {
            queue.removeFirst()
            guard seen.insert(path).inserted else { continue }
            let page = try await console.get(path)
            #expect(page.status == 200, "\(path) answered \(page.status): \(page.body.prefix(300))")
            for link in ConsoleHarness.links(page.body) where !seen.contains(link) && !link.hasSuffix(".css") { queue.append(link) }
        }
        return seen.sorted()
    }

    @Test func badPathsAndValuesGetA404Or400PageAndTheConsoleKeepsAnswering() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let started = try await cli.run(["workflow", "start", "demo", "--id", "one", "--input", "{\"steps\":1}"])
        try #require(started.status == 0, "\(started.stderr)")
        let console = try await ConsoleHarness.start(cli)
        defer { console.stop() }
        let cases: [(String, Int, String)] = [
            ("/nothing-here", 404, "no page at /nothing-here"),
            ("/runs/never-started", 404, "no run of workflow never-started"),
            ("/runs/one/0123-abcd", 404, "has no run 0123-abcd"),
            ("/runs/%3Cscript%3E", 400, "is not a workflow id"),
            ("/runs/one/..%2F..%2Fetc", 400, "is not a run id"),
            ("/runs?status=lost", 400, "status &quot;lost&quot; is not one of"),
            ("/runs?from=yesterday-ish", 400, "from &quot;yesterday-ish&quot; is not a date"),
            ("/runs?limit=0", 400, "limit &quot;0&quot; is not a number from 1 to 500"),
            ("/runs?after=garbage", 400, "is not a page position"),
            ("/schedules/none", 404, "no schedule none is registered"),
            ("/pipelines/none", 404, "no source none is configured"),
            ("/reports/none", 404, "no report none"),
            ("/reports/sample_orders?date=12/02/2024", 400, "is not YYYY-MM-DD"),
            ("/reports/sample_orders?channel=fax", 400, "has no channel &quot;fax&quot;"),
            ("/runs/" + String(repeating: "a", count: 5_000), 400, "is not a workflow id"),
        ]
        for (path, status, message) in cases {
            let response = try await console.get(path)
            #expect(response.status == status, "\(path.prefix(80)) answered \(response.status)")
            #expect(response.body.contains(message), "\(path.prefix(80)): \(response.body.prefix(600))")
            #expect(response.headers["content-security-policy"] != nil)
        }
        #expect(try await console.get("/runs/one").status == 200, "still answering after the bad requests")
    }

    @Test func anyAddressButLoopbackNeedsALongEnoughTokenAndThenEveryRequestDoes() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let missing = try await cli.run(["ui", "--listen", "127.0.0.1:0"])
        #expect(missing.status == 4 && missing.stderr.contains("does not exist"), "a mistyped --state: \(missing.stderr)")
        try FileManager.default.createDirectory(at: cli.state, withIntermediateDirectories: true)
        let bare = try await cli.run(["ui", "--listen", "0.0.0.0:0"])
        #expect(bare.status == 2 && bare.stderr.contains("SIGNALROOM_UI_TOKEN"), "\(bare.stderr)")
        let short = try await cli.run(["ui", "--listen", "0.0.0.0:0"], environment: ["SIGNALROOM_UI_TOKEN": "short"])
        #expect(short.status == 2 && short.stderr.contains("at least 16"), "\(short.stderr)")
        let badListen = try await cli.run(["ui", "--listen", "localhost"])
        #expect(badListen.status == 2 && badListen.stderr.contains("expected host:port"), "\(badListen.stderr)")

        let token = "console-token-0123456789abcdef"
        let console = try await ConsoleHarness.start(cli, listen: "0.0.0.0:0", environment: ["SIGNALROOM_UI_TOKEN": token])
        defer { console.stop() }
        let without = try await console.get("/runs")
        #expect(without.status == 403 && without.body.contains("needs its token") && !without.body.contains(token))
        #expect(try await console.get("/runs", headers: ["Authorization": "Bearer wrong-token-0123456789abcd"]).status == 403)
        #expect(try await console.get("/runs", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        let first = try await console.get("/runs?status=failed&token=\(token)")
        #expect(first.status == 303 && first.headers["location"] == "/runs?status=failed", "the token leaves the address bar")
        let cookie = try #require(first.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let pair = String(cookie.split(separator: ";")[0])
        let withCookie = try await console.get("/health", headers: ["Cookie": pair])
        #expect(withCookie.status == 200 && !withCookie.body.contains(token), "the token is never shown")
        #expect(try await console.get("/runs?token=nope").status == 403)
    }

    @Test func onLoopbackARequestForAnotherHostNameIsRefused() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(at: cli.state, withIntermediateDirectories: true)
        let console = try await ConsoleHarness.start(cli)
        defer { console.stop() }
        // A page on another site whose name was rebound to 127.0.0.1 sends its own Host.
        #expect(try await console.get("/runs", headers: ["Host": "evil.example:\(console.port)"]).status == 403)
        #expect(try await console.get("/runs", headers: ["Host": "localhost:\(console.port)"]).status == 200)
    }

    @Test func runsArePagedNewestFirstWithoutGapsOrRepeatsAndFiltered() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        for index in 0..<23 {
            let failing = index % 5 == 0
            let input = failing ? "{\"steps\":1,\"failStep\":1,\"failTimes\":9,\"retryInitialSeconds\":0.001}" : "{\"steps\":1}"
            let run = try await cli.run(["workflow", "start", "demo", "--id", "paged-\(index)", "--input", input])
            try #require(run.status == (failing ? 1 : 0), "\(run.stderr)")
        }
        let console = try await ConsoleHarness.start(cli)
        defer { console.stop() }
        func ids(_ body: String) -> [String] {
            ConsoleHarness.links(body).filter { $0.hasPrefix("/runs/paged-") }.map { String($0.dropFirst(6).prefix { $0 != "/" }) }
        }
        var seen: [String] = []
        var path = "/runs?limit=10"
        for _ in 0..<5 {
            let page = try await console.get(path)
            seen += ids(page.body)
            guard let older = ConsoleHarness.links(page.body).first(where: { $0.contains("after=") }) else { break }
            #expect(older.contains("limit=10"), "paging keeps the filters")
            path = older
        }
        #expect(seen == (0..<23).reversed().map { "paged-\($0)" }, "\(seen)")
        let failed = ids(try await console.get("/runs?status=failed").body)
        #expect(failed == [20, 15, 10, 5, 0].map { "paged-\($0)" }, "\(failed)")
        #expect(ids(try await console.get("/runs?q=paged-1").body).sorted() == ["paged-1"] + (10...19).map { "paged-\($0)" }.sorted())
        #expect(ids(try await console.get("/runs?from=2999-01-01").body).isEmpty)
        #expect(ids(try await console.get("/runs?type=other").body).isEmpty)
    }

    @Test func aPostgreSQLStateIsShownAsTheFileStateIs() async throws {
        let url = try WarehouseKind.postgresURL()
        let schema = "console_" + UUID().uuidString.prefix(8).lowercased()
        let cli = try CLIHarness()
        let state = ["SIGNALROOM_STATE_URL": url, "SIGNALROOM_STATE_SCHEMA": schema]
        defer { cli.cleanUp() }
        let failing = "{\"steps\":2,\"failStep\":2,\"failTimes\":9,\"retryInitialSeconds\":0.01,\"name\":\(Self.jsonString(Self.hostile))}"
        let failed = try await cli.run(["workflow", "start", "demo", "--id", "pg-fails", "--input", failing], environment: state)
        try #require(failed.status == 1, "\(failed.stderr)")
        for index in 0..<3 {
            let run = try await cli.run(["workflow", "start", "demo", "--id", "pg-\(index)", "--input", "{\"steps\":1}"], environment: state)
            try #require(run.status == 0, "\(run.stderr)")
        }
        _ = try cli.writeSchedules([["id": "pg-daily", "cron": "0 6 * * *", "timezone": "Europe/Berlin", "workflow": "demo", "input": ["steps": 1]]])
        let setup = try await cli.run(["schedule-setup"], environment: state)
        try #require(setup.status == 0, "\(setup.stderr)")
        let console = try await ConsoleHarness.start(cli, environment: state)
        defer { console.stop() }
        let runs = try await console.get("/runs?limit=2")
        #expect(runs.status == 200)
        #expect(runs.body.contains("pg-2") && runs.body.contains("pg-1") && !runs.body.contains(">pg-0<"), "a page of 2, newest first")
        let older = try #require(ConsoleHarness.links(runs.body).first { $0.contains("after=") })
        let second = try await console.get(older)
        #expect(second.body.contains("pg-0") && second.body.contains("pg-fails") && !second.body.contains(">pg-2<"), "\(second.body)")
        let run = try await console.get("/runs/pg-fails")
        #expect(run.status == 200 && run.body.contains("DemoFailure") && run.body.contains("attempt-failed"))
        #expect(run.body.contains("\(schema).events/pg-fails/"), "the history's place names its rows: \(run.body.prefix(1500))")
        #expect(!run.body.contains("<script") && run.body.contains("&lt;script&gt;"))
        #expect(!run.body.contains("signalroom-test-pw"), "the state URL's password is never shown")
        let schedule = try await console.get("/schedules/pg-daily")
        #expect(schedule.status == 200 && schedule.body.contains("Europe/Berlin"))
        let health = try await console.get("/health")
        #expect(health.status == 200 && !health.body.contains("signalroom-test-pw"))
        _ = try? await cli.runTool(["psql", url, "-X", "-q", "-c", "DROP SCHEMA IF EXISTS \(schema) CASCADE"])
    }

    @Test func afterThePostgreSQLServerRestartsTheNextPageConnectsAgain() async throws {
        let server = SharedPostgresStateTests.OwnServer()
        let cli = try CLIHarness()
        defer {
            cli.cleanUp()
            try? FileManager.default.removeItem(at: server.directory)
        }
        let url = try await server.control(cli, "start")
        let state = ["SIGNALROOM_STATE_URL": url, "SIGNALROOM_STATE_SCHEMA": "console_restart"]
        do {
            let run = try await cli.run(["workflow", "start", "demo", "--id", "before-restart", "--input", "{\"steps\":1}"], environment: state)
            try #require(run.status == 0, "\(run.stderr)")
            let console = try await ConsoleHarness.start(cli, environment: state)
            defer { console.stop() }
            #expect(try await console.get("/runs").body.contains("before-restart"))
            try await server.control(cli, "stop")
            let down = try await console.get("/runs")
            #expect(down.status == 500 && down.body.contains("cannot be reached"), "\(down.status): \(down.body.suffix(600))")
            #expect(!down.body.contains("signalroom-test-pw"))
            _ = try await server.control(cli, "start")
            let back = try await console.get("/runs")
            #expect(back.status == 200 && back.body.contains("before-restart"), "\(back.status): \(back.body.suffix(600))")
        } catch {
            try? await server.control(cli, "stop")
            throw error
        }
        try await server.control(cli, "stop")
    }

    @Test func openHandsTheConsolesAddressToTheDesktopsOpener() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(at: cli.state, withIntermediateDirectories: true)
        // A stand-in for xdg-open first on PATH, recording what it was asked to open.
        let bin = cli.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let opened = cli.root.appendingPathComponent("opened.txt")
        let opener = bin.appendingPathComponent("xdg-open")
        try "#!/bin/sh\nprintf '%s' \"$1\" > '\(opened.path).part' && mv '\(opened.path).part' '\(opened.path)'\n"
            .write(to: opener, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: opener.path)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let console = try await ConsoleHarness.start(cli, options: ["--open"], environment: ["PATH": path])
        defer { console.stop() }
        try await cli.waitUntil("xdg-open to be called") { FileManager.default.fileExists(atPath: opened.path) }
        #expect(try String(contentsOf: opened, encoding: .utf8) == console.baseURL + "/")
    }

    @Test func aPortAlreadyInUseIsOneLineAndExit2() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(at: cli.state, withIntermediateDirectories: true)
        let first = try await ConsoleHarness.start(cli)
        defer { first.stop() }
        let second = try await cli.run(["ui", "--listen", "127.0.0.1:\(first.port)"])
        #expect(second.status == 2, "\(second.stderr)")
        #expect(
            second.stderr.contains("cannot listen on 127.0.0.1:\(first.port): Address already in use; give another --listen"), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").filter { $0.contains("error") }.count == 1, "one line: \(second.stderr)")
    }
}

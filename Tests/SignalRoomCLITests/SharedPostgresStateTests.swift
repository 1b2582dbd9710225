import Foundation
import Testing

/// Hosts sharing one PostgreSQL state (issue 13): each "host" is a working directory and a
/// state directory of its own, so nothing is shared but the database the real binary reaches
/// through `SIGNALROOM_STATE_URL`.
@Suite(.serialized) struct SharedPostgresStateTests {
    /// `count` hosts on one fresh schema of the test server, dropped by `cleanUp`.
    struct Hosts {
        let url: String
        let schema: String
        let hosts: [CLIHarness]
        var environment: [String: String] { ["SIGNALROOM_STATE_URL": url, "SIGNALROOM_STATE_SCHEMA": schema] }

        init(count: Int, url: String? = nil) throws {
            self.url = try url ?? WarehouseKind.postgresURL()
            schema = "hosts_" + UUID().uuidString.prefix(8).lowercased()
            hosts = try (0..<count).map { _ in try CLIHarness() }
        }

        /// Another view of a state whose schema is already chosen.
        init(url: String, schema: String, hosts: [CLIHarness]) {
            self.url = url
            self.schema = schema
            self.hosts = hosts
        }

        func launch(_ host: Int, _ arguments: [String]) throws -> RunningCommand {
            try hosts[host].launch(arguments, environment: environment)
        }

        func run(_ host: Int, _ arguments: [String]) async throws -> CLIHarness.Result {
            try await launch(host, arguments).finish()
        }

        /// Rows of a query on the state's schema, `|`-separated.
        /// `mayFail`: while the first command may not have created the schema yet.
        func query(_ sql: String, mayFail: Bool = false) async throws -> [String] {
            let result = try await hosts[0].runTool(
                ["psql", url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], environment: ["PGOPTIONS": "-c search_path=\(schema)"])
            if !mayFail { #expect(result.status == 0, "psql: \(result.stderr)") }
            return result.status == 0 ? result.stdout.split(separator: "\n").map(String.init) : []
        }

        func cleanUp() async {
            _ = try? await hosts[0].runTool(["psql", url, "-X", "-q", "-c", "DROP SCHEMA IF EXISTS \(schema) CASCADE"])
            for host in hosts { host.cleanUp() }
        }
    }

    /// Runs `body` with `count` hosts, and drops their schema and directories afterwards.
    private func withHosts(_ count: Int, url: String? = nil, _ body: (Hosts) async throws -> Void) async throws {
        let hosts = try Hosts(count: count, url: url)
        do {
            try await body(hosts)
        } catch {
            await hosts.cleanUp()
            throw error
        }
        await hosts.cleanUp()
    }

    /// A reproducible stream of choices (SplitMix64), seeded per run and printed on failure.
    struct Choices {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    private static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    @Test func fourHostsFireEveryTimeOnceThroughSixtyMinutesOfRandomKills() async throws {
        try await withHosts(4) { hosts in try await fourHostsFireEveryTimeOnceThroughSixtyMinutesOfRandomKills(hosts) }
    }

    private func fourHostsFireEveryTimeOnceThroughSixtyMinutesOfRandomKills(_ hosts: Hosts) async throws {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var choices = Choices(state: seed)
        let demo: [String: Any] = ["steps": 2, "retryInitialSeconds": 0.1]
        let file = try hosts.hosts[0].writeSchedules(
            [
                ["id": "minutely", "cron": "* * * * *", "workflow": "demo", "input": demo, "overlap": "allow_all"],
                [
                    "id": "every-three", "cron": "*/3 * * * *", "workflow": "demo", "input": ["steps": 3, "retryInitialSeconds": 0.1],
                    "overlap": "allow_all",
                ],
            ])
        let setup = try await hosts.run(0, ["schedule-setup", "--file", file, "--now", "2026-11-25T10:00:30Z"])
        #expect(setup.status == 0, "\(setup.stderr)")
        let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z
        var killed = 0
        for minute in 1...60 {
            let now = Self.iso(start.addingTimeInterval(Double(minute * 60 + 10)))
            // Eight passes a minute, two on each host, and about one in four SIGKILLed at a
            // random moment: before, during or after it fired, ran or recorded something.
            let passes = try (0..<8).map { index in try hosts.launch(index % 4, ["run-due", "--now", now]) }
            let victims = (0..<8).filter { _ in choices.next(4) == 0 }
            for victim in victims {
                try await Task.sleep(for: .milliseconds(choices.next(120)))
                passes[victim].kill()
            }
            for (index, pass) in passes.enumerated() {
                let result = try await pass.finish()
                if result.killedBySignal {
                    killed += 1
                } else {
                    #expect(result.status == 0, "seed \(seed), \(now), host \(index % 4): \(result.stderr)")
                }
            }
        }
        // What the last kills left open, any host's next pass carries on.
        for host in 0..<2 {
            let result = try await hosts.run(host, ["run-due", "--now", Self.iso(start.addingTimeInterval(3650))])
            #expect(result.status == 0, "seed \(seed): \(result.stderr)")
        }
        var expected: Set<String> = []
        for minute in 1...60 {
            let time = Self.iso(start.addingTimeInterval(Double(minute * 60)))
            expected.insert("minutely-" + time)
            if minute % 3 == 0 { expected.insert("every-three-" + time) }
        }
        let rows = try await hosts.query("SELECT workflow_id, count(*), string_agg(status, ',') FROM runs GROUP BY workflow_id")
        var runs: [String: (count: Int, status: String)] = [:]
        for row in rows {
            let parts = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else {
                Issue.record("unexpected row \(row)")
                continue
            }
            runs[parts[0]] = (Int(parts[1]) ?? 0, parts[2])
        }
        #expect(killed > 60, "seed \(seed): only \(killed) passes were killed")
        #expect(Set(runs.keys) == expected, "seed \(seed): missing \(expected.subtracting(runs.keys)), extra \(Set(runs.keys).subtracting(expected))")
        #expect(runs.values.allSatisfy { $0.count == 1 }, "seed \(seed): a fire time has more than one run")
        #expect(runs.values.allSatisfy { $0.status == "completed" }, "seed \(seed): \(runs.filter { $0.value.status != "completed" })")
        // Histories read back whole (each line's CRC checked) from any host.
        let listed = try await hosts.run(3, ["workflow", "list", "--limit", "200"])
        #expect(listed.status == 0 && listed.stdout.components(separatedBy: " completed ").count - 1 == expected.count, "\(listed.stderr)")
        let described = try await hosts.run(2, ["workflow", "describe", "every-three-2026-11-25T11:00:00Z"])
        #expect(described.status == 0 && described.stdout.contains("completed"), "\(described.stderr)")
    }

    /// Polls the state until `sql` returns a row (or fails the test after `timeout`).
    private func waitForRow(_ hosts: Hosts, _ sql: String, timeout: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await !hosts.query(sql, mayFail: true).isEmpty { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for: \(sql)")
        throw CancellationError()
    }

    @Test func aKilledOwnersRunIsResumedAtOnceByAnotherHostAsWorkerDied() async throws {
        try await withHosts(2) { hosts in try await aKilledOwnersRunIsResumedAtOnceByAnotherHostAsWorkerDied(hosts) }
    }

    private func aKilledOwnersRunIsResumedAtOnceByAnotherHostAsWorkerDied(_ hosts: Hosts) async throws {
        // Step 1 sleeps 60 s on its first attempt, with a start-to-close timeout of 600 s:
        // only knowing at once that its owner died lets another host take the run sooner.
        let input = #"{"steps":2,"slowStep":1,"slowSeconds":60,"startToCloseSeconds":600,"retryInitialSeconds":0.1}"#
        let owner = try hosts.launch(0, ["workflow", "start", "demo", "--id", "long-step", "--input", input])
        try await waitForRow(hosts, "SELECT 1 FROM events WHERE workflow_id = 'long-step' AND line LIKE '%ActivityTaskStarted%'")
        owner.kill()
        #expect(try await owner.finish().killedBySignal)
        let killedAt = Date()
        let resumed = try await hosts.run(1, ["run-due"])
        let took = Date().timeIntervalSince(killedAt)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed") && resumed.stdout.contains("long-step"), "\(resumed.stdout)")
        #expect(took < 20, "the other host took \(took) s to resume the run")
        #expect(try await hosts.query("SELECT status FROM runs WHERE workflow_id = 'long-step'") == ["completed"])
        #expect(try await !hosts.query("SELECT 1 FROM events WHERE workflow_id = 'long-step' AND line LIKE '%WorkerDied%'").isEmpty)
        // The second host's view of it, through the command line.
        let described = try await hosts.run(1, ["workflow", "describe", "long-step"])
        #expect(described.stdout.contains("completed"), "\(described.stdout)")
    }

    @Test func aCIJobAndTheCronHostNeverRunTheSameSyncAtOnce() async throws {
        try await withHosts(2) { hosts in try await aCIJobAndTheCronHostNeverRunTheSameSyncAtOnce(hosts) }
    }

    private func aCIJobAndTheCronHostNeverRunTheSameSyncAtOnce(_ hosts: Hosts) async throws {
        // The cron host's run holds the id; the CI job's start of the same id is refused
        // with exit 3 while it is open, and goes through once it closed.
        let input = #"{"steps":1,"slowStep":1,"slowSeconds":3}"#
        let cron = try hosts.launch(0, ["workflow", "start", "demo", "--id", "sync-everflow", "--input", input])
        try await waitForRow(hosts, "SELECT 1 FROM runs WHERE workflow_id = 'sync-everflow' AND status = 'running'")
        let refused = try await hosts.run(1, ["workflow", "start", "demo", "--id", "sync-everflow", "--input", input])
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("sync-everflow"), "\(refused.stderr)")
        #expect(try await cron.finish().status == 0)
        let after = try await hosts.run(1, ["workflow", "start", "demo", "--id", "sync-everflow", "--input", #"{"steps":1}"#])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try await hosts.query("SELECT count(*) FROM runs WHERE workflow_id = 'sync-everflow'") == ["2"])
    }

    /// md5 of every history file under a state directory, by `<id>/<run>`.
    private func historyDigests(_ cli: CLIHarness, state: URL) async throws -> [String: String] {
        var digests: [String: String] = [:]
        let workflows = state.appendingPathComponent("workflows")
        for id in try FileManager.default.contentsOfDirectory(atPath: workflows.path) where !id.hasPrefix(".") {
            for file in try FileManager.default.contentsOfDirectory(atPath: workflows.appendingPathComponent(id).path) where file.hasSuffix(".jsonl")
            {
                let sum = try await cli.runTool(["md5sum", workflows.appendingPathComponent(id + "/" + file).path])
                digests[id + "/" + file.dropLast(6)] = String(sum.stdout.prefix(32))
            }
        }
        return digests
    }

    @Test func aFileStateCopiedToPostgresAndBackKeepsEveryHistoryByteForByte() async throws {
        try await withHosts(2) { hosts in try await aFileStateCopiedToPostgresAndBackKeepsEveryHistoryByteForByte(hosts) }
    }

    private func aFileStateCopiedToPostgresAndBackKeepsEveryHistoryByteForByte(_ hosts: Hosts) async throws {
        // A single host on files: closed runs, one parked on a timer, a schedule with a pass.
        let single = try CLIHarness()
        defer { single.cleanUp() }
        let file = try single.writeSchedules([["id": "minutely", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 2]]])
        #expect(try await single.run(["schedule-setup", "--file", file, "--now", "2026-11-25T10:00:30Z"]).status == 0)
        #expect(try await single.run(["run-due", "--now", "2026-11-25T10:01:10Z"]).status == 0)
        for id in ["first", "second"] { #expect(try await single.run(["workflow", "start", "demo", "--id", id]).status == 0) }
        #expect(try await single.run(["workflow", "start", "demo", "--id", "parked", "--input", #"{"timerSeconds":3600}"#]).status == 5)
        let originals = try await historyDigests(single, state: single.state)
        #expect(originals.count == 4)

        let target = ["--to", hosts.url, "--to-schema", hosts.schema]
        let refused = try await single.run(["state", "copy"] + target)
        #expect(refused.status == 3 && refused.stderr.contains("--include-open") && refused.stderr.contains("parked"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("signalroom-test-pw"))
        let copied = try await single.run(["state", "copy", "--include-open"] + target)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("copied 4 runs (1 open") && copied.stdout.contains("1 schedules, 1 pass records"), "\(copied.stdout)")
        #expect(!copied.stdout.contains("signalroom-test-pw"), "\(copied.stdout)")
        for (run, digest) in originals {
            let parts = run.split(separator: "/").map(String.init)
            let rows = try await hosts.query(
                "SELECT md5(string_agg(line, '' ORDER BY event_id)) FROM events WHERE workflow_id = '\(parts[0])' AND run_id = '\(parts[1])'")
            #expect(rows == [digest], "\(run) differs in PostgreSQL")
        }
        // Another host sees it all, and carries the parked run on.
        let listed = try await hosts.run(1, ["workflow", "list"])
        #expect(["first", "second", "parked", "minutely-2026-11-25T10:01:00Z"].allSatisfy(listed.stdout.contains), "\(listed.stdout)")
        #expect(try await hosts.run(1, ["workflow", "describe", "parked"]).stdout.contains("parked"))
        #expect(try await hosts.run(1, ["schedule", "list"]).stdout.contains("minutely"))
        let passes = try await hosts.run(1, ["schedule", "passes"]).stdout
        #expect(passes.split(separator: "\n").count == 2 && passes.contains("HOST") && passes.contains(ProcessInfo.processInfo.hostName), "\(passes)")
        #expect(try await hosts.run(1, ["logs", "first"]).stdout.contains("demo started"))
        let again = try await single.run(["state", "copy", "--include-open"] + target)
        #expect(again.status == 3 && again.stderr.contains("already holds 4 runs"), "\(again.stderr)")

        // And back into a directory, byte for byte.
        let back = hosts.hosts[1].root.appendingPathComponent("state-back")
        let returned = try await hosts.run(1, ["state", "copy", "--include-open", "--to", back.path])
        #expect(returned.status == 0, "\(returned.stderr)")
        #expect(try await historyDigests(single, state: back) == originals)
    }

    @Test func installingACrontabLineRefusesAStateURLThatCronWouldNotSee() async throws {
        try await withHosts(1) { hosts in
            let file = try hosts.hosts[0].writeSchedules([["id": "daily", "cron": "0 6 * * *", "workflow": "demo"]])
            let refused = try await hosts.run(0, ["schedule-setup", "--file", file, "--install-crontab"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("SIGNALROOM_STATE_URL") && refused.stderr.contains("./.env"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("signalroom-test-pw"))
            #expect(try await hosts.query("SELECT count(*) FROM schedules", mayFail: true) != ["1"], "nothing is registered")
        }
    }

    /// `scripts/postgres` of this checkout, on a cluster of its own (restarting the suite's
    /// shared server would fail every other test running at the time).
    struct OwnServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-pg-restart-\(UUID().uuidString)")
        var script: String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/postgres").path
        }

        @discardableResult
        func control(_ cli: CLIHarness, _ command: String) async throws -> String {
            let result = try await cli.runTool([script, command, directory.path])
            #expect(result.status == 0, "scripts/postgres \(command): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func theDatabaseRestartedUnderLoadFailsPassesClearlyAndTheNextOneCarriesOn() async throws {
        let server = OwnServer()
        let starter = try CLIHarness()
        defer { starter.cleanUp() }
        let url = try await server.control(starter, "start")
        do {
            try await withHosts(2, url: url) { hosts in try await theDatabaseRestartedUnderLoad(hosts, server: server) }
        } catch {
            try? await server.control(starter, "stop")
            throw error
        }
        try await server.control(starter, "stop")
        try? FileManager.default.removeItem(at: server.directory)
    }

    private func theDatabaseRestartedUnderLoad(_ hosts: Hosts, server: OwnServer) async throws {
        let file = try hosts.hosts[0].writeSchedules([
            ["id": "minutely", "cron": "* * * * *", "workflow": "demo", "input": ["steps": 3], "overlap": "allow_all"]
        ])
        #expect(try await hosts.run(0, ["schedule-setup", "--file", file, "--now", "2026-11-25T10:00:30Z"]).status == 0)
        let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z
        var refusals: [String] = []
        for minute in 1...12 {
            let now = Self.iso(start.addingTimeInterval(Double(minute * 60 + 10)))
            let passes = try (0..<2).map { try hosts.launch($0, ["run-due", "--now", now]) }
            // Stopped (fast: every connection cut) while minute 4's passes run, down for
            // minutes 5 and 6, back before minute 7's.
            if minute == 4 {
                try await Task.sleep(for: .milliseconds(40))
                try await server.control(hosts.hosts[0], "stop")
            }
            for pass in passes {
                let result = try await pass.finish()
                switch minute {
                case 4...6:
                    if result.status != 0 { refusals.append(result.stderr) }
                    #expect([0, 6].contains(result.status), "\(now): exit \(result.status): \(result.stderr)")
                default:
                    #expect(result.status == 0, "\(now): \(result.stderr)")
                }
            }
            if minute == 6 { try await server.control(hosts.hosts[0], "start") }
        }
        #expect(refusals.count >= 4, "the passes while the server was down must fail: \(refusals)")
        for refusal in refusals {
            let lines = refusal.split(separator: "\n").filter { !$0.contains(" WARN") }
            #expect(refusal.contains("cannot be reached") || refusal.contains("PostgreSQL state"), "\(refusal)")
            #expect(!refusal.contains("signalroom-test-pw"), "\(refusal)")
            #expect(lines.count <= 2, "one line, not a trace: \(refusal)")
        }
        #expect(try await hosts.run(1, ["run-due", "--now", Self.iso(start.addingTimeInterval(12 * 60 + 40))]).status == 0)
        let rows = try await hosts.query("SELECT workflow_id || ' ' || status FROM runs ORDER BY workflow_id")
        let expected = (1...12).map { "minutely-" + Self.iso(start.addingTimeInterval(Double($0 * 60))) + " completed" }
        #expect(rows == expected, "\(rows)")
    }

    @Test func aBadOrUnreachableStateURLIsOneLineWithItsExitCodeAndNoPassword() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let bad = try await cli.run(["workflow", "list"], environment: ["SIGNALROOM_STATE_URL": "postgres://someone:hunter22@/nodb"])
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("SIGNALROOM_STATE_URL") && bad.stderr.contains("names no host"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("hunter22"))
        // Nothing listens on port 9 of loopback.
        let down = try await cli.run(["workflow", "list"], environment: ["SIGNALROOM_STATE_URL": "postgres://someone:hunter22@127.0.0.1:9/db"])
        #expect(down.status == 6, "\(down.stderr)")
        #expect(down.stderr.contains("someone@127.0.0.1:9/db") && down.stderr.contains("cannot be reached"), "\(down.stderr)")
        #expect(!down.stderr.contains("hunter22"))
        #expect(down.stderr.split(separator: "\n").count == 1, "\(down.stderr)")
        let flag = try await cli.run(["--state", "postgres://someone:hunter22@127.0.0.1:9/db", "doctor"])
        #expect(flag.stdout.contains("problem  state") && !flag.stdout.contains("hunter22"), "\(flag.stdout)")
    }

    @Test func doctorReportsThePostgreSQLStateItUses() async throws {
        try await withHosts(1) { hosts in
            let doctor = try await hosts.run(0, ["doctor"])
            #expect(doctor.stdout.contains("ok       state: PostgreSQL state at postgres://signalroom@"), "\(doctor.stdout)")
            #expect(doctor.stdout.contains("(schema \(hosts.schema))") && !doctor.stdout.contains("signalroom-test-pw"), "\(doctor.stdout)")
        }
    }

    @Test func aCISyncAndTheCronHostsSyncOfTheSameSourceNeverRunAtOnce() async throws {
        let schema = "hosts_" + UUID().uuidString.prefix(8).lowercased()
        let url = try WarehouseKind.postgresURL()
        let state = ["SIGNALROOM_STATE_URL": url, "SIGNALROOM_STATE_SCHEMA": schema, "SIGNALROOM_LOAD_CHUNK_ROWS": "100"]
        try await SyncFixture.with(.postgres) { cron in
            try await SyncFixture.with(.postgres, dataset: cron.dataset, exports: cron.exports) { ci in
                var csv = "id,status,amount\n"
                for id in 1...40_000 { csv += "\(id),paid,\(id % 97).50\n" }
                try cron.write("orders/orders_2024-12-01.csv", csv)
                // The cron host's sync holds the run while it loads 400 chunks (about 2 s here).
                let running = try cron.launchSync([], environment: state)
                let hosts = try Hosts(count: 1, url: url)
                let probe = Hosts(url: url, schema: schema, hosts: hosts.hosts)
                try await waitForRow(probe, "SELECT 1 FROM runs WHERE workflow_id = 'sync-files' AND status = 'running'")
                let refused = try await ci.sync([], environment: state)
                #expect(refused.status == 3, "\(refused.stderr)")
                #expect(refused.stderr.contains("sync-files"), "\(refused.stderr)")
                let finished = try await running.finish()
                #expect(finished.status == 0, "\(finished.stderr)")
                // Afterwards the CI job's sync runs, and the rows were loaded once.
                let after = try await ci.sync([], environment: state)
                #expect(after.status == 0, "\(after.stderr)")
                #expect(try await cron.query("SELECT count(*), count(DISTINCT id) FROM \(cron.dataset).orders") == ["40000|40000"])
                #expect(try await probe.query("SELECT count(*) FROM runs WHERE workflow_id = 'sync-files' AND status = 'completed'") == ["2"])
                await probe.cleanUp()
            }
        }
    }
}

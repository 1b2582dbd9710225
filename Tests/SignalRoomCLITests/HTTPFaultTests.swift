import Foundation
import SignalRoomHTTP
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Outside services on a bad day, against the built binary: a refused or silent host, a 429
/// that says how long to wait, a 200 whose JSON stops halfway.
@Suite(.serialized)
struct HTTPFaultTests {
    func everflow(_ baseURL: String, _ fixture: SyncFixture, fast: Bool = true) -> [String: String] {
        var environment = ["EVERFLOW_API_KEY": FakeEverflow.key, "EVERFLOW_BASE_URL": baseURL, "EVERFLOW_DATASET": fixture.dataset]
        if fast { environment["SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS"] = "0.05" }
        return environment
    }

    static let stats = [
        FakeEverflow.Stat(
            day: "2024-12-01", affiliateId: "12", affiliateLabel: "G2 - Meta", advertiserId: "1",
            clicks: 150, conversions: 25, revenue: 2500, payout: 1875)
    ]
    static let sync = ["sync", "everflow", "--start-date", "2024-12-01", "--end-date", "2024-12-01"]
    /// A 200 with a correct Content-Length whose JSON stops in the middle of the first row.
    static let cutOff = LoopbackHTTPServer.Reply.respond(
        status: 200, headers: ["Content-Type": "application/json"],
        body: Data(#"{"table": [{"columns": [{"column_type": "affiliate", "id": "12"#.utf8))

    /// A TCP socket bound to a free loopback port (listening with a backlog of 0 when asked),
    /// and its address. Bound but not listening, the port refuses connections; held open,
    /// nothing else can take the port meanwhile.
    static func loopbackSocket(listening: Bool) throws -> (descriptor: Int32, address: sockaddr_in) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                guard bind(descriptor, $0, length) == 0, !listening || listen(descriptor, 0) == 0,
                    getsockname(descriptor, $0, &length) == 0
                else {
                    close(descriptor)
                    throw POSIXError(.EADDRINUSE)
                }
            }
        }
        return (descriptor, address)
    }

    static func withRefusingPort(_ body: (Int) async throws -> Void) async throws {
        let (descriptor, address) = try loopbackSocket(listening: false)
        defer { close(descriptor) }
        try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The sync's wall-clock time depends on how loaded the machine is; what it waits is fixed
    /// by the retry policies. So the test adds up the waits the log announces and bounds the
    /// wall clock only loosely (a stalled connect took 4 to 6 minutes per attempt).
    @Test func aRefusedHostFailsTheSyncWithinAMinuteWithDefaultSettingsLoggingEachRetry() async throws {
        try await Self.withRefusingPort { port in
            try await SyncFixture.with(.sqlite) { fixture in
                let started = Date()
                let result = try await fixture.run(Self.sync, environment: everflow("http://127.0.0.1:\(port)", fixture, fast: false))
                let elapsed = Date().timeIntervalSince(started)
                #expect(result.status == 1, "\(result.stderr)")
                #expect(elapsed < 150, "a refused connection must fail each HTTP attempt at once; took \(Int(elapsed)) s")
                #expect(result.stderr.contains("connection refused"), "\(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                let retries = lines.filter { $0.contains("WARNING Everflow: attempt ") }
                #expect(retries.allSatisfy { $0.contains("failed (connection refused); retrying in ") }, "\(result.stderr)")
                #expect(retries.count == 3 * 5, "every HTTP retry of each of the 5 activity attempts is logged: \(retries.count)")
                let httpWaits = retries.compactMap { line in
                    line.range(of: "retrying in ").flatMap { Double(line[$0.upperBound...].prefix { $0 != " " }) }
                }
                let activityWaits = 1.0 + 2 + 4 + 8  // the default policy between its 5 attempts
                #expect(httpWaits.reduce(0, +) + activityWaits < 60, "waits: \(httpWaits)")
                let history = try fixture.cli.historyLines("sync-everflow")
                let pipeline = history.first {
                    $0.eventType == "ActivityTaskScheduled" && $0.attributes["activityType"] as? String == "RunPipelineActivity"
                }
                let starts = history.filter {
                    $0.eventType == "ActivityTaskStarted" && $0.attributes["scheduledEventId"] as? Int == pipeline?.eventId
                }
                #expect(starts.count == 5, "the policy's 5 attempts, no more")
            }
        }
    }

    @Test func anUnansweredConnectFailsAfterTheConnectTimeout() async throws {
        // A listener whose accept queue is full never answers a SYN: the connect just waits.
        var (listener, address) = try Self.loopbackSocket(listening: true)
        defer { close(listener) }
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            fillers.append(filler)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) } }
        }
        try await Task.sleep(for: .milliseconds(200))
        let port = Int(UInt16(bigEndian: address.sin_port))
        let client = ServiceClient(service: "Silent", secrets: [], configuration: .init(maximumAttempts: 1, connectTimeout: 1))
        let started = Date()
        do {
            _ = try await client.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/x")!, timeout: 30))
            Issue.record("a silent host answered")
        } catch let error as HTTPError {
            #expect(error.description.contains("no connection within 1 s"), "\(error)")
            #expect(error.isRetryable)
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.9 && elapsed < 5, "\(elapsed) s")
    }

    @Test func aRetryAfterOnTheLastHTTPAttemptIsTheActivitysNextDelay() async throws {
        let throttled = LoopbackHTTPServer.Reply.json(["error": "slow down"], status: 429, headers: ["Retry-After": "2"])
        let fake = FakeEverflow(stats: Self.stats, faults: Array(repeating: throttled, count: 4))
        let server = try await LoopbackHTTPServer.start(fake.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(Self.sync, environment: everflow(server.baseURL, fixture))
            #expect(result.status == 0, "\(result.stderr)")
            let times = server.requests.map(\.received)
            #expect(times.count == 5)
            // Each in-process wait and then the activity's own retry honour the 2 s.
            for index in 1..<min(times.count, 5) {
                #expect(times[index].timeIntervalSince(times[index - 1]) >= 1.95, "request \(index + 1) came early: \(times)")
            }
        }
        await server.stop()
    }

    @Test func aRetryAfterLongerThanTheClientsCapParksTheRunUntilThen() async throws {
        let throttled = LoopbackHTTPServer.Reply.json(["error": "quota"], status: 429, headers: ["Retry-After": "600"])
        let fake = FakeEverflow(stats: Self.stats, faults: [throttled])
        let server = try await LoopbackHTTPServer.start(fake.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let result = try await fixture.run(Self.sync + ["--id", "ra", "--park-after", "1"], environment: everflow(server.baseURL, fixture))
            #expect(server.requests.count == 1, "a wait beyond the client's cap is not waited out in-process")
            let failed = try #require(try fixture.cli.historyLines("ra").first { $0.eventType == "ActivityTaskFailed" }, "\(result.stderr)")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let at = try #require(formatter.date(from: failed["eventTime"] as? String ?? ""))
            let next = try #require(formatter.date(from: failed.attributes["nextAttemptTime"] as? String ?? ""), "\(failed)")
            #expect(abs(next.timeIntervalSince(at) - 600) < 2, "next attempt \(next) after failure \(at)")
            #expect(((failed.attributes["failure"] as? [String: Any])?["message"] as? String ?? "").contains("asked to wait 600 s"), "\(failed)")
        }
        await server.stop()
    }

    @Test func aCutOffEverflowOrRedTrackBodyIsRetriedAndTheSyncSucceeds() async throws {
        let everflow = FakeEverflow(stats: Self.stats, faults: [Self.cutOff])
        let redtrack = FakeRedTrack(
            days: ["2024-12-01"],
            faults: [
                .respond(
                    status: 200, headers: ["Content-Type": "application/json"],
                    body: Data(#"[{"source_id": "66c7a1", "clicks": 10"#.utf8))
            ])
        let everflowServer = try await LoopbackHTTPServer.start(everflow.handle)
        let redtrackServer = try await LoopbackHTTPServer.start(redtrack.handle)
        try await SyncFixture.with(.sqlite) { fixture in
            let first = try await fixture.run(Self.sync, environment: self.everflow(everflowServer.baseURL, fixture))
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("stops short"), "the cut-off is logged as the failed attempt's reason: \(first.stderr)")
            #expect(try await fixture.query("SELECT count(*) FROM \(fixture.dataset).daily_stats") == ["1"])

            let second = try await fixture.run(
                ["sync", "redtrack", "--start-date", "2024-12-01", "--end-date", "2024-12-01"],
                environment: [
                    "REDTRACK_API_KEY": FakeRedTrack.key, "REDTRACK_BASE_URL": redtrackServer.baseURL, "REDTRACK_PACING_SECONDS": "0.01",
                    "REDTRACK_DATASET": fixture.dataset + "_rt", "SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS": "0.05",
                ])
            #expect(second.status == 0, "\(second.stderr)")
        }
        await everflowServer.stop()
        await redtrackServer.stop()
    }

    @Test func aChannelsCutOffSuccessCountsAsDeliveredOnce() async throws {
        for channel in ["slack", "email", "sms"] {
            let channels = FakeChannels(faults: [
                .respond(
                    status: channel == "sms" ? 201 : 200, headers: ["Content-Type": "application/json"],
                    body: Data(#"{"ok": true, "id": "4"#.utf8))
            ])
            let server = try await LoopbackHTTPServer.start(channels.handle)
            try await SyncFixture.with(.sqlite) { fixture in
                let environment = ReportTests.shipped.merging(FakeChannels.environment(server)) { $1 }
                let result = try await fixture.run(
                    ["report", "alert", "--send", "--channel", channel, "--param", "title=cut off"],
                    environment: environment)
                #expect(result.status == 0, "\(channel): \(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains("Report failed"), "\(channel): no failure alert: \(result.stdout)")
                #expect(server.requests.count == 1, "\(channel): a delivered message is not sent again")
            }
            await server.stop()
        }
    }
}

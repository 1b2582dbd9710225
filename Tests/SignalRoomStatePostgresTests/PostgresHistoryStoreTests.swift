import Foundation
import SignalRoomCore
@testable import SignalRoomEngine
@testable import SignalRoomStatePostgres
import Testing

/// A schema of its own in the test server for each test, dropped afterwards; each
/// `connect()` is another process's connection to the same state.
struct StateFixture {
    let url: String
    let schema = "state_test_" + UUID().uuidString.prefix(8).lowercased()

    static func make() -> StateFixture? {
        guard let url = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("SIGNALROOM_TEST_DATABASE_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
            return nil
        }
        return StateFixture(url: url)
    }

    func connect() throws -> PostgresHistoryStore { try PostgresHistoryStore(url: url, schema: schema) }

    func drop() { try? connect().dropSchema() }

    static func started(_ workflowId: String, runId: String = RunReference.newRunId(), at time: Date = Date()) -> HistoryEvent {
        HistoryEvent(
            eventId: 1, time: Timestamp.truncated(time),
            attributes: .workflowExecutionStarted(
                .init(
                    workflowType: "test.type", workflowId: workflowId, runId: runId, input: .string("x"), randomSeed: 7,
                    identity: "1@tests", historyFormat: 1, schedule: nil)))
    }

    static func create(_ store: PostgresHistoryStore, _ workflowId: String, onlyIfNeverUsed: Bool = false) throws -> any RunLease {
        let started = started(workflowId)
        guard case .workflowExecutionStarted(let attributes) = started.attributes else { fatalError() }
        return try store.createRun(
            workflowId: workflowId, workflowType: "test.type", runId: attributes.runId, started: started, onlyIfNeverUsed: onlyIfNeverUsed)
    }

    static func timer(_ eventId: Int) -> HistoryEvent {
        HistoryEvent(
            eventId: eventId, time: Timestamp.truncated(Date()),
            attributes: .timerStarted(.init(durationSeconds: 1, fireTime: Timestamp.truncated(Date()))))
    }

    static func completed(_ eventId: Int) -> HistoryEvent {
        HistoryEvent(eventId: eventId, time: Timestamp.truncated(Date()), attributes: .workflowExecutionCompleted(.init(result: .null)))
    }
}

/// The last event id an appender was told is durable, read from another thread.
final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 1
    var count: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

@Suite("PostgreSQL state: claims, ownership and fenced appends")
struct PostgresHistoryStoreTests {
    @Test func aRunIsCreatedClaimedAndReadBackEventForEvent() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let store = try fixture.connect()
        let lease = try StateFixture.create(store, "orders")
        try lease.append([StateFixture.timer(2), StateFixture.timer(3)])
        let reader = try fixture.connect()
        #expect(try reader.history(of: lease.run).map(\.eventId) == [1, 2, 3])
        #expect(try reader.history(of: lease.run) == lease.events)
        #expect(try reader.openRuns().map(\.run) == [lease.run])
        #expect(try reader.currentRun(of: "orders") == lease.run)
        #expect(reader.isClaimed(lease.run))
        lease.release()
        #expect(!reader.isClaimed(lease.run))
    }

    @Test func oneOpenRunPerIdAndAFireTimeIsNeverUsedTwice() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let first = try fixture.connect()
        let second = try fixture.connect()
        let lease = try StateFixture.create(first, "daily-2026-12-03T06:00:00Z", onlyIfNeverUsed: true)
        #expect(throws: WorkflowStoreError.alreadyRunning(workflowId: lease.run.workflowId, runId: lease.run.runId)) {
            _ = try StateFixture.create(second, "daily-2026-12-03T06:00:00Z")
        }
        try lease.append([StateFixture.completed(2)])
        try lease.markClosed(status: .completed, closeTime: Date())
        lease.release()
        #expect(throws: WorkflowStoreError.alreadyUsed(workflowId: lease.run.workflowId, runId: lease.run.runId)) {
            _ = try StateFixture.create(second, "daily-2026-12-03T06:00:00Z", onlyIfNeverUsed: true)
        }
        #expect(try second.closedRuns().map(\.run) == [lease.run])
        #expect(try second.openRuns().isEmpty)
    }

    @Test func manyConnectionsFiringTheSameTimeAtOnceCreateExactlyOneRun() async throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let stores = try (0..<8).map { _ in try fixture.connect() }
        let created = await withTaskGroup(of: Bool.self) { group in
            for store in stores {
                group.addTask {
                    guard let lease = try? StateFixture.create(store, "hourly-2026-12-03T07:00:00Z", onlyIfNeverUsed: true) else { return false }
                    try? lease.append([StateFixture.completed(2)])
                    try? lease.markClosed(status: .completed, closeTime: Date())
                    lease.release()
                    return true
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(created == 1)
        #expect(try stores[0].closedRuns().count == 1)
    }

    @Test func aRunHeldByOneProcessCannotBeClaimedByAnotherNorTwiceByItsOwner() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let owner = try fixture.connect()
        let other = try fixture.connect()
        let lease = try StateFixture.create(owner, "held")
        #expect(throws: WorkflowStoreError.runLocked(workflowId: "held", runId: lease.run.runId)) { _ = try other.claim(lease.run) }
        #expect(throws: WorkflowStoreError.runLocked(workflowId: "held", runId: lease.run.runId)) { _ = try owner.claim(lease.run) }
        lease.release()
        let claimed = try other.claim(lease.run)
        #expect(claimed.events.count == 1)
    }

    /// The owner's connection is cut by the server (as when its host dies or is
    /// partitioned away): its lock is gone at once, another process claims the run, and
    /// the first owner can never write again, even if it had kept a way to reach the
    /// database: the database refuses it, not luck.
    @Test func anOwnerWhoseConnectionDroppedIsKnownAtOnceAndFencedOut() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let owner = try fixture.connect()
        let lease = try StateFixture.create(owner, "cut")
        try lease.append([StateFixture.timer(2)])
        let admin = try fixture.connect()
        // With a timeout it returns once the backend has exited and let go of its locks (without
        // one it returns before, and a loaded CI machine claimed in between).
        try admin.connection.query("SELECT pg_terminate_backend($1::int, 10000)", [.int(owner.backendPID)])
        let other = try fixture.connect()
        #expect(!other.isClaimed(lease.run))
        let successor = try other.claim(lease.run)
        #expect(successor.events.map(\.eventId) == [1, 2])
        #expect(throws: (any Error).self) { try lease.append([StateFixture.timer(3)]) }
        try successor.append([StateFixture.timer(3)])
        #expect(try admin.history(of: lease.run).map(\.eventId) == [1, 2, 3])
    }

    /// The owner's connection is cut while it appends as fast as it can: every append it was
    /// told succeeded is kept, the one in flight is kept whole or not at all, none twice, and
    /// the next owner carries on from exactly what was kept.
    @Test func aConnectionCutMidAppendLosesNoAcknowledgedEventAndDoublesNone() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let admin = try fixture.connect()
        for round in 0..<8 {
            let owner = try fixture.connect()
            let lease = try StateFixture.create(owner, "cut-\(round)")
            let acknowledged = Acknowledged()
            let done = DispatchSemaphore(value: 0)
            let appender = Thread {
                defer { done.signal() }
                while true {
                    let next = acknowledged.count + 1
                    do { try lease.append([StateFixture.timer(next), StateFixture.timer(next + 1)]) } catch { return }
                    acknowledged.count = next + 1
                }
            }
            appender.start()
            // Cut once the appends are under way (a loaded CI machine took more than 10 ms to
            // make the first), then at a moment that moves with the round.
            let underWay = Date().addingTimeInterval(10)
            while acknowledged.count < 3, Date() < underWay { Thread.sleep(forTimeInterval: 0.001) }
            Thread.sleep(forTimeInterval: Double(round * 3) / 1000)
            try admin.connection.query("SELECT pg_terminate_backend($1::int, 10000)", [.int(owner.backendPID)])
            done.wait()
            let told = acknowledged.count
            #expect(told > 1, "round \(round): the cut came before the first append")
            let kept = try admin.history(of: lease.run).map(\.eventId)
            #expect(kept == Array(1...kept.count), "round \(round): event ids \(kept.prefix(5))… are not 1...n")
            #expect(kept.count == told || kept.count == told + 2, "round \(round): told \(told), kept \(kept.count)")
            let successor = try admin.claim(lease.run)
            #expect(successor.events.count == kept.count)
            try successor.append([StateFixture.timer(kept.count + 1)])
            successor.release()
        }
    }

    /// A second owner of the same run through another connection (a lease outliving its
    /// hold, here by a stale token after the run was claimed again) is refused by the
    /// append's fence.
    @Test func aStaleLeaseCannotAppendAfterTheRunWasClaimedAgain() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let owner = try fixture.connect()
        let stale = try StateFixture.create(owner, "stale")
        stale.release()
        let fresh = try fixture.connect().claim(stale.run)
        #expect(throws: PostgresStateError.self) { try stale.append([StateFixture.timer(2)]) }
        try fresh.append([StateFixture.timer(2)])
        #expect(try owner.history(of: stale.run).map(\.eventId) == [1, 2])
    }

    @Test func aClosingEventClosesTheRunInTheSameCommit() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let store = try fixture.connect()
        let lease = try StateFixture.create(store, "closing")
        try lease.setWakeUpTime(Date(timeIntervalSince1970: 2_000_000_000))
        #expect(try store.openRuns().first?.wakeUpTime == Date(timeIntervalSince1970: 2_000_000_000))
        try lease.append([StateFixture.completed(2)])
        // No markClosed: the owner "died" right after its last append.
        #expect(try store.openRuns().isEmpty)
        #expect(try store.closedRuns().map(\.status) == [.completed])
        #expect(try store.prune(closedBefore: Date().addingTimeInterval(60)) == 1)
        #expect(throws: WorkflowStoreError.notFound(workflowId: "closing")) { try store.currentRun(of: "closing") }
    }

    @Test func requestsReachTheOwnerAndTerminateWinsOverCancel() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let owner = try fixture.connect()
        let lease = try StateFixture.create(owner, "asked")
        let other = try fixture.connect()
        try other.post(RunRequest(kind: .cancel, reason: "<script>", identity: "2@other", time: Date()), to: lease.run)
        #expect(lease.pendingRequest()?.kind == .cancel)
        try other.post(RunRequest(kind: .terminate, reason: nil, identity: "2@other", time: Date()), to: lease.run)
        #expect(lease.pendingRequest()?.kind == .terminate)
        lease.clearRequest(.terminate)
        #expect(lease.pendingRequest()?.reason == "<script>")
    }

    @Test func runsAreListedInStartTimeOrderAndTheNewestClosedAreTheNewestByTime() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let store = try fixture.connect()
        // 999.5 s sorts after 1000.25 s as text: the order must be the numbers'.
        let times = [1000.25, 999.5, 10_000.75, 20.0]
        for (index, seconds) in times.enumerated() {
            let runId = RunReference.newRunId()
            let lease = try store.createRun(
                workflowId: "run-\(index)", workflowType: index % 2 == 0 ? "even" : "odd", runId: runId,
                started: StateFixture.started("run-\(index)", runId: runId, at: Date(timeIntervalSince1970: seconds)), onlyIfNeverUsed: false)
            if index < 3 {
                try lease.append([StateFixture.completed(2)])
                try lease.markClosed(status: .completed, closeTime: Date(timeIntervalSince1970: seconds + 1))
            }
            lease.release()
        }
        #expect(try store.closedRuns().map(\.workflowId) == ["run-1", "run-0", "run-2"])
        #expect(try store.newestClosedRuns(limit: 2, workflowType: nil, statuses: nil).map(\.workflowId) == ["run-2", "run-0"])
        #expect(try store.newestClosedRuns(limit: 5, workflowType: "odd", statuses: nil).map(\.workflowId) == ["run-1"])
        #expect(try store.newestClosedRuns(limit: 5, workflowType: nil, statuses: [.failed]).isEmpty)
        #expect(try store.newestClosedRuns(limit: 5, workflowType: nil, statuses: []).isEmpty)
        #expect(try store.openRuns().map(\.workflowId) == ["run-3"])
    }

    /// More events in one append than PostgreSQL takes parameters in one statement (a
    /// retry that reuses a long history appends them at once).
    @Test func anAppendOfFortyThousandEventsCommitsWhole() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let store = try fixture.connect()
        let lease = try StateFixture.create(store, "long")
        try lease.append((2...40_001).map(StateFixture.timer))
        #expect(try fixture.connect().history(of: lease.run).count == 40_001)
        try lease.append([StateFixture.timer(40_002)])
    }

    @Test func aStaleLeaseCannotCloseTheRun() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let owner = try fixture.connect()
        let stale = try StateFixture.create(owner, "stale-close")
        stale.release()
        let fresh = try fixture.connect().claim(stale.run)
        try stale.markClosed(status: .completed, closeTime: Date())
        #expect(try owner.openRuns().map(\.workflowId) == ["stale-close"])
        try fresh.append([StateFixture.timer(2)])
    }

    @Test func everyConnectionAsksTheServerToProbeItsHostWithKeepalives() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let store = try fixture.connect()
        let rows = try store.connection.query("SELECT current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_count')")
        #expect(rows.first == ["10", "3"])
    }

    @Test func aSchemaNewerThanThisBuildIsRefusedWithAClearError() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let store = try fixture.connect()
        try store.connection.query("INSERT INTO \"\(fixture.schema)\".schema_version (version) VALUES (99)")
        #expect {
            _ = try fixture.connect()
        } throws: { error in
            "\(error)".contains("schema version 99, newer than this build knows (1)")
        }
    }

    @Test func eightHostsStartingAtOnceMigrateTheSchemaOnce() async throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? fixture.connect()) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
        let store = try fixture.connect()
        #expect(try store.connection.query("SELECT version FROM \"\(fixture.schema)\".schema_version") == [["1"]])
    }
}

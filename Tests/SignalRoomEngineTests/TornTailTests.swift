import Foundation
import Testing
import SignalRoomCore
@testable import SignalRoomEngine

/// DESIGN §3: a torn last line (crash mid-append) is dropped as never written; any other
/// damage is reported with file and line, and only that run is affected.
@Suite("Torn tails and damaged histories")
struct TornTailTests {
    static let start = Timestamp.parse("2026-11-25T04:29:16.123Z")!

    static func event(_ id: Int, _ attributes: EventAttributes) -> HistoryEvent {
        HistoryEvent(eventId: id, time: start.addingTimeInterval(Double(id) * 0.25), attributes: attributes)
    }

    static func history(runId: String = "0190a0b0-0000-7000-8000-000000000001", workflowId: String = "torn") -> [HistoryEvent] {
        [
            event(
                1,
                .workflowExecutionStarted(
                    .init(
                        workflowType: "test.torn", workflowId: workflowId, runId: runId,
                        input: .string("in"), randomSeed: 42, identity: "1@test", historyFormat: 1))),
            event(2, .activityTaskScheduled(.init(activityType: "test.step", input: .string("a"), options: ActivityOptions()))),
            event(3, .activityTaskStarted(.init(scheduledEventId: 2, attempt: 1, identity: "1@test"))),
            event(4, .activityTaskCompleted(.init(scheduledEventId: 2, attempt: 1, result: .string("a-done")))),
        ]
    }

    static func lines(_ events: [HistoryEvent]) throws -> [Data] {
        try events.map(EventLineCodec.encode)
    }

    static func joined(_ lines: [Data]) -> Data {
        lines.reduce(into: Data()) { $0.append($1) }
    }

    /// The line with one byte of its JSON changed, its checksum left as it was.
    static func corrupted(_ line: Data) -> Data {
        var bytes = [UInt8](line)
        let index = bytes.firstIndex(of: UInt8(ascii: ":"))! + 1
        bytes[index] = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "[") : UInt8(ascii: " ")
        return Data(bytes)
    }

    // MARK: The codec

    @Test func lastLineCutMidwayIsDroppedAsTorn() throws {
        let lines = try Self.lines(Self.history())
        let intact = Self.joined(Array(lines.prefix(3)))
        for cut in [1, 10, lines[3].count / 2, lines[3].count - 2, lines[3].count - 1] {
            let decoded = try EventLineCodec.decode(intact + lines[3].prefix(cut), path: "h.jsonl")
            #expect(decoded.events == Array(Self.history().prefix(3)), "cut after \(cut) bytes")
            #expect(decoded.droppedTornTail)
            #expect(decoded.validLength == intact.count)
        }
    }

    @Test func lastLineWithWrongChecksumIsDroppedAsTorn() throws {
        let lines = try Self.lines(Self.history())
        let data = Self.joined(Array(lines.prefix(3))) + Self.corrupted(lines[3])
        let decoded = try EventLineCodec.decode(data, path: "h.jsonl")
        #expect(decoded.events == Array(Self.history().prefix(3)))
        #expect(decoded.droppedTornTail)
        #expect(decoded.validLength == Self.joined(Array(lines.prefix(3))).count)
    }

    @Test func lastLineWithAlteredSumDigitsIsDroppedAsTorn() throws {
        let lines = try Self.lines(Self.history())
        var last = [UInt8](lines[3])
        let digit = last.count - 4  // inside the 8 hex digits, before `"}\n`
        last[digit] = last[digit] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        let decoded = try EventLineCodec.decode(Self.joined(Array(lines.prefix(3))) + Data(last), path: "h.jsonl")
        #expect(decoded.events.count == 3)
        #expect(decoded.droppedTornTail)
    }

    @Test func completeHistoryReportsNoTornTail() throws {
        let data = Self.joined(try Self.lines(Self.history()))
        let decoded = try EventLineCodec.decode(data, path: "h.jsonl")
        #expect(decoded.events == Self.history())
        #expect(!decoded.droppedTornTail)
        #expect(decoded.validLength == data.count)
    }

    @Test func zeroFilledTailAfterACrashIsDroppedAsTorn() throws {
        let data = Self.joined(try Self.lines(Self.history()))
        let decoded = try EventLineCodec.decode(data + Data(repeating: 0, count: 512), path: "h.jsonl")
        #expect(decoded.events == Self.history())
        #expect(decoded.droppedTornTail)
        #expect(decoded.validLength == data.count)
    }

    @Test func tornFirstLineLeavesNoEvents() throws {
        let first = try EventLineCodec.encode(Self.history()[0])
        let decoded = try EventLineCodec.decode(first.prefix(40), path: "h.jsonl")
        #expect(decoded.events.isEmpty)
        #expect(decoded.droppedTornTail)
        #expect(decoded.validLength == 0)
    }

    @Test func badMiddleLineIsDamageNamingPathAndLine() throws {
        var lines = try Self.lines(Self.history())
        lines[1] = Self.corrupted(lines[1])
        let path = "/state/workflows/torn/run.jsonl"
        let error = try #require(throws: HistoryDamagedError.self) {
            try EventLineCodec.decode(Self.joined(lines), path: path)
        }
        #expect(error.path == path)
        #expect(error.line == 2)
        #expect(error.description.contains(path))
        #expect(error.description.contains("line 2"))
        #expect(error.description.contains("checksum"))
    }

    @Test func cutLineFollowedByMoreLinesIsDamageNotATornTail() throws {
        var lines = try Self.lines(Self.history())
        lines[2] = lines[2].prefix(30) + Data([0x0A])
        let error = try #require(throws: HistoryDamagedError.self) {
            try EventLineCodec.decode(Self.joined(lines), path: "h.jsonl")
        }
        #expect(error.line == 3)
    }

    @Test func eventIdOutOfSequenceIsDamage() throws {
        var events = Self.history()
        events[2].eventId = 4
        events[3].eventId = 5
        let error = try #require(throws: HistoryDamagedError.self) {
            try EventLineCodec.decode(Self.joined(try Self.lines(events)), path: "h.jsonl")
        }
        #expect(error.line == 3)
        #expect(error.reason.contains("expected event id 3, found 4"))
    }

    // MARK: The file store

    /// A run created through the store, with `history()` on disk and its lease released.
    static func storedRun(in root: URL) throws -> (FileHistoryStore, RunReference, path: String) {
        let store = FileHistoryStore(root: root)
        let runId = RunReference.newRunId()
        let events = history(runId: runId)
        let lease = try store.createRun(workflowId: "torn", workflowType: "test.torn", runId: runId, started: events[0])
        try lease.append(Array(events[1...]))
        lease.release()
        return (store, lease.run, store.historyPath(lease.run))
    }

    static func appendRaw(_ data: Data, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    static func fileSize(_ path: String) throws -> Int {
        try Data(contentsOf: URL(fileURLWithPath: path)).count
    }

    static var nextEvent: HistoryEvent {
        event(5, .activityTaskScheduled(.init(activityType: "test.step", input: .string("b"), options: ActivityOptions())))
    }

    @Test func historyOfATornFileLeavesTheTornLineOut() throws {
        try withTemporaryDirectory { root in
            let (store, run, path) = try Self.storedRun(in: root)
            let torn = try EventLineCodec.encode(Self.nextEvent)
            try Self.appendRaw(torn.prefix(torn.count / 2), to: path)
            let events = try store.history(of: run)
            #expect(events.count == 4)
            #expect(events.map(\.eventType) == ["WorkflowExecutionStarted", "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted"])
        }
    }

    @Test func claimTruncatesATornTailSoTheNextAppendYieldsAValidFile() throws {
        try withTemporaryDirectory { root in
            let (store, run, path) = try Self.storedRun(in: root)
            let validSize = try Self.fileSize(path)
            let torn = try EventLineCodec.encode(Self.nextEvent)
            try Self.appendRaw(torn.prefix(torn.count - 3), to: path)

            let lease = try store.claim(run)
            defer { lease.release() }
            #expect(lease.events.count == 4)
            #expect(try Self.fileSize(path) == validSize)

            let next = HistoryEvent(
                eventId: 5, time: Self.start.addingTimeInterval(9),
                attributes: .activityTaskScheduled(.init(activityType: "test.step", input: .string("c"), options: ActivityOptions())))
            try lease.append([next])
            let events = try store.history(of: run)
            #expect(events.count == 5)
            #expect(events.last == next)

            let raw = try Data(contentsOf: URL(fileURLWithPath: path))
            let decoded = try EventLineCodec.decode(raw, path: path)
            #expect(!decoded.droppedTornTail)
            #expect(decoded.validLength == raw.count)
            #expect(raw.last == 0x0A)
        }
    }

    @Test func claimOfAFileWithAWrongChecksumTailTruncatesIt() throws {
        try withTemporaryDirectory { root in
            let (store, run, path) = try Self.storedRun(in: root)
            let validSize = try Self.fileSize(path)
            try Self.appendRaw(Self.corrupted(try EventLineCodec.encode(Self.nextEvent)), to: path)
            let lease = try store.claim(run)
            defer { lease.release() }
            #expect(lease.events.count == 4)
            #expect(try Self.fileSize(path) == validSize)
        }
    }

    @Test func damagedMiddleLineStopsClaimAndLeavesTheFileAlone() throws {
        try withTemporaryDirectory { root in
            let (store, run, path) = try Self.storedRun(in: root)
            var lines = try Self.lines(try store.history(of: run))
            lines[1] = Self.corrupted(lines[1])
            let damaged = Self.joined(lines)
            try damaged.write(to: URL(fileURLWithPath: path))

            let error = try #require(throws: HistoryDamagedError.self) { try store.claim(run) }
            #expect(error.path == path)
            #expect(error.line == 2)
            #expect(error.description.contains(path))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged)
            #expect(throws: HistoryDamagedError.self) { try store.history(of: run) }
        }
    }

    @Test func damageInOneRunDoesNotAffectAnotherRun() throws {
        try withTemporaryDirectory { root in
            let (store, damagedRun, path) = try Self.storedRun(in: root)
            var lines = try Self.lines(try store.history(of: damagedRun))
            lines[0] = Self.corrupted(lines[0])
            try Self.joined(lines).write(to: URL(fileURLWithPath: path))

            let otherId = RunReference.newRunId()
            let other = try store.createRun(
                workflowId: "healthy", workflowType: "test.torn", runId: otherId,
                started: Self.history(runId: otherId, workflowId: "healthy")[0])
            other.release()
            #expect(try store.history(of: other.run).count == 1)
            #expect(throws: HistoryDamagedError.self) { try store.history(of: damagedRun) }
        }
    }

    // MARK: A write that fails

    static func threeStepsEngines(root: URL, failingAppend: Int, writtenFraction: Double) -> (faulty: WorkflowEngine, healthy: WorkflowEngine) {
        let files = FileHistoryStore(root: root)
        var registry = WorkflowRegistry()
        registry.register(workflow: ThreeSteps.self)
        registry.register(activity: Step(log: ExecutionLog()))
        let configuration = EngineConfiguration(parkThreshold: .seconds(5), identity: "1@torn-tests")
        let faulty = FailingAppendStore(files: files, failingAppend: failingAppend, writtenFraction: writtenFraction)
        return (
            WorkflowEngine(store: faulty, registry: registry, configuration: configuration),
            WorkflowEngine(store: files, registry: registry, configuration: configuration)
        )
    }

    static let threeStepsOutput = RunOutcome.completed(.array([.string("x-a-done"), .string("x-b-done"), .string("x-c-done")]))

    /// A full disk during an append: part of the batch reaches the file, then `write(2)`
    /// fails with ENOSPC. The engine must not write after those bytes.
    @Test func appendThatFailsHalfWayLeavesAReadableHistory() async throws {
        try await withTemporaryDirectory { root in
            // Append 1 is activity a's Scheduled+Started; append 2 carries its completion.
            let (faulty, healthy) = Self.threeStepsEngines(root: root, failingAppend: 2, writtenFraction: 0.5)
            let claimed = try faulty.start(workflowType: ThreeSteps.name, workflowId: "disk-full", input: .string("x"))
            let run = claimed.run
            _ = try? await faulty.execute(claimed)

            do {
                let events = try healthy.store.history(of: run)
                #expect(events.last?.attributes.closingStatus == nil)
                let resumed = try await healthy.execute(try healthy.claim(run))
                #expect(resumed == Self.threeStepsOutput)
            }
        }
    }

    /// An append that fails before writing anything (EIO, a full disk at a line boundary).
    @Test func failedAppendLeavesTheRunOpenForTheNextInvocation() async throws {
        try await withTemporaryDirectory { root in
            let (faulty, healthy) = Self.threeStepsEngines(root: root, failingAppend: 2, writtenFraction: 0)
            let claimed = try faulty.start(workflowType: ThreeSteps.name, workflowId: "disk-full", input: .string("x"))
            let run = claimed.run
            let outcome = try? await faulty.execute(claimed)

            let events = try healthy.store.history(of: run)
            do {
                #expect(
                    events.last?.attributes.closingStatus == nil,
                    "outcome \(String(describing: outcome)); events \(events.map(\.eventType))")
                let resumed = try await healthy.execute(try healthy.claim(run))
                #expect(resumed == Self.threeStepsOutput)
            }
        }
    }
}

/// A file store whose leases fail their `failingAppend`-th append after writing
/// `writtenFraction` of its bytes.
struct FailingAppendStore: HistoryStore {
    let files: FileHistoryStore
    let failingAppend: Int
    let writtenFraction: Double

    func createRun(
        workflowId: String, workflowType: String, runId: String, started: HistoryEvent,
        onlyIfNeverUsed: Bool
    ) throws -> any RunLease {
        let lease = try files.createRun(
            workflowId: workflowId, workflowType: workflowType, runId: runId, started: started,
            onlyIfNeverUsed: onlyIfNeverUsed)
        return FailingAppendLease(
            inner: lease, path: files.historyPath(lease.run), failingAppend: failingAppend,
            writtenFraction: writtenFraction)
    }

    func claim(_ run: RunReference) throws -> any RunLease {
        FailingAppendLease(
            inner: try files.claim(run), path: files.historyPath(run), failingAppend: failingAppend,
            writtenFraction: writtenFraction)
    }

    func history(of run: RunReference) throws -> [HistoryEvent] { try files.history(of: run) }
    func currentRun(of workflowId: String) throws -> RunReference { try files.currentRun(of: workflowId) }
    func historyPlace(of run: RunReference) -> String { files.historyPath(run) }
    func isClaimed(_ run: RunReference) -> Bool { files.isClaimed(run) }
    func openRuns() throws -> [OpenRunEntry] { try files.openRuns() }
    func closedRuns() throws -> [ClosedRunEntry] { try files.closedRuns() }
    func newestClosedRuns(_ query: ClosedRunQuery) throws -> [ClosedRunEntry] { try files.newestClosedRuns(query) }
    func post(_ request: RunRequest, to run: RunReference) throws { try files.post(request, to: run) }
    func pendingRequest(for run: RunReference) -> RunRequest? { files.pendingRequest(for: run) }
    func prune(closedBefore cutoff: Date) throws -> Int { try files.prune(closedBefore: cutoff) }
    func rebuildIndex() throws -> [HistoryDamagedError] { try files.rebuildIndex() }
    func closeDamagedRun(_ run: RunReference, closing: ([HistoryEvent], String) -> HistoryEvent) throws -> String {
        try files.closeDamagedRun(run, closing: closing)
    }
}

final class FailingAppendLease: RunLease, @unchecked Sendable {
    // Used by one journal at a time, like the lease it wraps.
    let inner: any RunLease
    let path: String
    let failingAppend: Int
    let writtenFraction: Double
    private var appends = 0

    init(inner: any RunLease, path: String, failingAppend: Int, writtenFraction: Double) {
        self.inner = inner
        self.path = path
        self.failingAppend = failingAppend
        self.writtenFraction = writtenFraction
    }

    var run: RunReference { inner.run }
    var events: [HistoryEvent] { inner.events }

    func append(_ events: [HistoryEvent]) throws {
        appends += 1
        guard appends == failingAppend else { return try inner.append(events) }
        let data = try events.reduce(into: Data()) { $0.append(try EventLineCodec.encode($1)) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data.prefix(Int(Double(data.count) * writtenFraction)))
        throw WorkflowStoreError.io(path: path, reason: "cannot write: No space left on device")
    }

    func setWakeUpTime(_ time: Date?) throws { try inner.setWakeUpTime(time) }
    func markClosed(status: RunStatus, closeTime: Date) throws { try inner.markClosed(status: status, closeTime: closeTime) }
    func pendingRequest() -> RunRequest? { inner.pendingRequest() }
    func clearRequest(_ kind: RunRequest.Kind) { inner.clearRequest(kind) }
    func release() { inner.release() }
}

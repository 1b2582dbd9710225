import Foundation
import SignalRoomCore
import SignalRoomStateTesting
import Testing

@testable import SignalRoomEngine

/// `newestClosedRuns`: a page of closed runs, newest started first, from an index, on both
/// stores: the same runs, in the same order, as sorting every closed run would give, for
/// every filter and across every page, including runs that closed days after they started
/// and index lines written out of close order.
@Suite("Newest closed runs")
struct NewestClosedRunsTests {
    static let base = Timestamp.parse("2026-11-20T00:00:00.000Z")!

    /// 240 runs over five close days: most short, some started days before they closed, some
    /// pairs closed in the opposite order to their close times (two processes racing).
    static func populate(_ store: any HistoryStore) async throws {
        // 720 durable writes, each a blocking fsync or round trip: on a thread of its own, not
        // on one of the cooperative pool's two, where it stalled other tests' timers in CI.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            Thread { continuation.resume(with: Result { try populateNow(store) }) }.start()
        }
    }

    private static func populateNow(_ store: any HistoryStore) throws {
        var generator = SplitMix64(seed: 7)
        var closings: [(lease: any RunLease, status: RunStatus, close: Date)] = []
        for index in 0..<240 {
            let start = base.addingTimeInterval(Double(index) * 1800 + Double(generator.next() % 600))
            let long = index % 17 == 0
            let close = start.addingTimeInterval(long ? 3 * 86_400 : Double(generator.next() % 120))
            let workflowId = index % 4 == 0 ? "nightly-\(Timestamp.format(start).prefix(19))Z" : "run-\(index)"
            let runId = RunReference.newRunId(at: start)
            let started = HistoryEvent(
                eventId: 1, time: start,
                attributes: .workflowExecutionStarted(
                    .init(
                        workflowType: index % 3 == 0 ? "sync" : "report", workflowId: workflowId, runId: runId, input: .null, randomSeed: 1,
                        identity: "test", historyFormat: 1)))
            let lease = try store.createRun(workflowId: workflowId, workflowType: index % 3 == 0 ? "sync" : "report", runId: runId, started: started)
            let status: RunStatus = [.completed, .completed, .failed, .canceled, .terminated][index % 5]
            closings.append((lease, status, close))
        }
        closings.sort { $0.close < $1.close }
        // Neighbours within a few seconds of each other append in the other order.
        for index in stride(from: 0, to: closings.count - 1, by: 7) where closings[index + 1].close.timeIntervalSince(closings[index].close) < 30 {
            closings.swapAt(index, index + 1)
        }
        for closing in closings {
            let attributes: EventAttributes =
                closing.status == .completed
                ? .workflowExecutionCompleted(.init(result: .null))
                : closing.status == .canceled
                    ? .workflowExecutionCanceled(.init(reason: nil))
                    : closing.status == .terminated
                        ? .workflowExecutionTerminated(.init(reason: "test", identity: "test"))
                        : .workflowExecutionFailed(.init(failure: Failure(message: "no", type: "Test")))
            try closing.lease.append([HistoryEvent(eventId: 2, time: closing.close, attributes: attributes)])
            try closing.lease.markClosed(status: closing.status, closeTime: closing.close)
            closing.lease.release()
        }
    }

    static func expected(_ store: any HistoryStore, _ query: ClosedRunQuery) throws -> [ClosedRunEntry] {
        Array(try store.closedRuns().filter(query.matches).sorted(by: ClosedRunQuery.newerFirst).prefix(query.limit))
    }

    @Test(arguments: StoreKind.allCases)
    func everyFilterGivesWhatSortingEveryRunWould(_ kind: StoreKind) async throws {
        try await withState(kind) { root in
            let store = try kind.makeStore(root: root)
            try await Self.populate(store)
            let middle = Self.base.addingTimeInterval(2 * 86_400)
            let queries = [
                ClosedRunQuery(limit: 20), ClosedRunQuery(limit: 1), ClosedRunQuery(limit: 500),
                ClosedRunQuery(limit: 15, workflowType: "sync"), ClosedRunQuery(limit: 15, statuses: [.failed, .canceled]),
                ClosedRunQuery(limit: 10, idContains: "run-1"), ClosedRunQuery(limit: 10, scheduleId: "nightly"),
                ClosedRunQuery(limit: 10, scheduleId: "night"), ClosedRunQuery(limit: 10, startedFrom: middle),
                ClosedRunQuery(limit: 10, startedBefore: middle), ClosedRunQuery(limit: 10, statuses: []),
                ClosedRunQuery(limit: 5, workflowType: "report", statuses: [.completed], startedFrom: Self.base, startedBefore: middle),
            ]
            for query in queries {
                let got = try store.newestClosedRuns(query)
                #expect(got == (try Self.expected(store, query)), "\(query)")
            }
            #expect(try store.newestClosedRuns(ClosedRunQuery(limit: 10, scheduleId: "night")).isEmpty, "night is not nightly")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagingVisitsEveryRunOnceInOrder(_ kind: StoreKind) async throws {
        try await withState(kind) { root in
            let store = try kind.makeStore(root: root)
            try await Self.populate(store)
            var visited: [ClosedRunEntry] = []
            var query = ClosedRunQuery(limit: 17)
            while true {
                let page = try store.newestClosedRuns(query)
                visited += page
                guard page.count == query.limit, let last = page.last else { break }
                query.after = ClosedRunQuery.Position(startTime: last.startTime, runId: last.runId)
            }
            #expect(visited == (try store.closedRuns().sorted(by: ClosedRunQuery.newerFirst)))
            #expect(visited.count == 240)
        }
    }

    @Test func aPrunedRunIsLeftOutThoughItsLineOutlivesItInTheCutoffsDay() async throws {
        try await withState(.files) { root in
            let store = FileHistoryStore(root: root)
            try await Self.populate(store)
            let cutoff = Self.base.addingTimeInterval(86_400 + 43_200)
            let pruned = try store.prune(closedBefore: cutoff)
            #expect(pruned > 0)
            let all = try store.newestClosedRuns(ClosedRunQuery(limit: 1_000))
            #expect(all == (try store.closedRuns().sorted(by: ClosedRunQuery.newerFirst)))
            #expect(all.allSatisfy { $0.closeTime >= cutoff })
        }
    }

    @Test func aRunsLastIndexLineWinsUnderEveryFilterAsInClosedRuns() async throws {
        try await withState(.files) { root in
            let store = FileHistoryStore(root: root)
            try await Self.populate(store)
            // A later line for a completed run that says otherwise (as a rebuild or a repair
            // may leave): filters that look at the line's bytes must still see it first.
            let completed = try #require(try store.closedRuns().last { $0.status == .completed })
            var relabelled = completed
            relabelled.status = .terminated
            try store.appendClosedLine(relabelled, durable: false)
            for query in [ClosedRunQuery(limit: 500, statuses: [.completed]), ClosedRunQuery(limit: 500, statuses: [.terminated])] {
                #expect(try store.newestClosedRuns(query) == (try Self.expected(store, query)), "\(query)")
            }
            #expect(!(try store.newestClosedRuns(ClosedRunQuery(limit: 500, statuses: [.completed]))).contains { $0.runId == completed.runId })
        }
    }
}

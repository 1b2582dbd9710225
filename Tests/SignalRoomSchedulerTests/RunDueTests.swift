import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomStateTesting
import Testing
@testable import SignalRoomScheduler

/// One activity; fails when its input says so.
struct Greet: Activity {
    static let name = "test.greet"
    func run(context: ActivityContext, input: String) async throws -> String {
        if input == "fail" { throw ApplicationError("told to fail", type: "Told", isNonRetryable: true) }
        return "hello " + input
    }
}

/// Runs `Greet` once with its input.
struct Greeting: Workflow {
    static let name = "test.greeting"
    func run(context: WorkflowContext, input: String) async throws -> String {
        try await context.executeActivity(Greet.self, input: input)
    }
}

/// The `run-due` pass in process, no binary, on both stores: files under a temporary state
/// directory, and the PostgreSQL state.
@Suite struct RunDueTests {
    let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z

    /// A scheduler of one "process" on the state `root` stands for.
    private func scheduler(_ kind: StoreKind, root: URL, _ entries: [[String: Any]]) async throws -> Scheduler {
        var registry = WorkflowRegistry()
        registry.register(workflow: Greeting.self)
        registry.register(activity: Greet())
        let stores = try kind.makeStores(root: root)
        let engine = WorkflowEngine(store: stores.histories, registry: registry)
        let schedules = stores.schedules
        let specs = try ScheduleFile.parse(
            try JSONSerialization.data(withJSONObject: entries), path: "schedules.json",
            knownWorkflows: registry.workflowNames)
        _ = try await ScheduleRegistration.reconcile(specs, store: schedules, now: start, dryRun: false)
        return Scheduler(schedules: schedules, engine: engine)
    }

    private func entry(_ id: String, input: String) -> [String: Any] {
        ["id": id, "cron": "*/5 * * * *", "workflow": Greeting.name, "input": input]
    }

    @Test(arguments: StoreKind.allCases) func aPassFiresRunsAndReportsEachInOrderAndCountsTheFailedOne(store: StoreKind) async throws {
        try await withState(store) { root in try await aPassFiresRunsAndReportsEachInOrderAndCountsTheFailedOne(store, root: root) }
    }

    private func aPassFiresRunsAndReportsEachInOrderAndCountsTheFailedOne(_ store: StoreKind, root: URL) async throws {
        let scheduler = try await scheduler(store, root: root, [entry("a-ok", input: "world"), entry("b-bad", input: "fail")])
        var events: [String] = []
        let summary = try await RunDue(scheduler: scheduler, retention: 86_400, deadline: .distantFuture)
            .run(now: start.addingTimeInterval(5 * 60)) { event in
                switch event {
                case .started(let fired): events.append("started \(fired.scheduleId)")
                case .worked(let worked):
                    events.append("\(worked.action.rawValue) \(worked.schedule?.scheduleId ?? "-") \(worked.outcome?.status.rawValue ?? "error")")
                case .passed, .scheduleProblem: events.append("other")
                }
            }
        #expect(events == ["started a-ok", "started b-bad", "fired a-ok completed", "fired b-bad failed"])
        var expected = RunDue.Summary(failed: 1, unhandled: 0)
        expected.fired = 2
        #expect(summary == expected)
        let quiet = try await RunDue(scheduler: scheduler, retention: 86_400, deadline: .distantFuture)
            .run(now: start.addingTimeInterval(5 * 60 + 30)) { _ in Issue.record("nothing is due") }
        #expect(quiet == RunDue.Summary())
    }

    @Test(arguments: StoreKind.allCases) func runsFiredAfterTheDeadlineAreLeftReadyForTheNextPass(store: StoreKind) async throws {
        try await withState(store) { root in try await runsFiredAfterTheDeadlineAreLeftReadyForTheNextPass(store, root: root) }
    }

    private func runsFiredAfterTheDeadlineAreLeftReadyForTheNextPass(_ store: StoreKind, root: URL) async throws {
        let scheduler = try await scheduler(store, root: root, [entry("late", input: "world")])
        var left: [RunDue.Worked] = []
        _ = try await RunDue(scheduler: scheduler, retention: 86_400, deadline: .distantPast)
            .run(now: start.addingTimeInterval(5 * 60)) { if case .worked(let worked) = $0 { left.append(worked) } }
        #expect(left.count == 1 && left[0].leftForNextPass && left[0].outcome == nil)
        var resumed: [RunDue.Worked] = []
        _ = try await RunDue(scheduler: scheduler, retention: 86_400, deadline: .distantFuture)
            .run(now: start.addingTimeInterval(5 * 60 + 10)) { if case .worked(let worked) = $0 { resumed.append(worked) } }
        #expect(resumed.map(\.action) == [.resumed])
        #expect(resumed.first?.schedule?.scheduleId == "late", "a resumed run keeps the fire time that started it")
        #expect(resumed.first?.outcome == .completed(.string("hello world")))
    }

    /// A state notes when it can next be due, and a quiet pass trusts that note; one written
    /// by an earlier build has no note and is worked out from its spec, and gets one when it
    /// is next written. A paused schedule is never due until it is unpaused.
    @Test(arguments: StoreKind.allCases) func aStateNotesWhenItIsNextDueAndOneWithoutTheNoteStillFires(store: StoreKind) async throws {
        try await withState(store) { root in try await aStateNotesWhenItIsNextDueAndOneWithoutTheNoteStillFires(store, root: root) }
    }

    private func aStateNotesWhenItIsNextDueAndOneWithoutTheNoteStillFires(_ store: StoreKind, root: URL) async throws {
        let scheduler = try await scheduler(store, root: root, [entry("noted", input: "a"), entry("older", input: "b")])
        let firstFire = start.addingTimeInterval(5 * 60)
        #expect(try scheduler.schedules.read("noted")?.quietUntil == firstFire)
        // What the previous build wrote: the same state without the note.
        let written = try scheduler.schedules.read("older")!
        guard case .object(var members) = try JSONValue(parsing: try written.encoded()) else { throw CancellationError() }
        members["quietUntil"] = nil
        let earlier = try ScheduleState(encoded: try JSONValue.object(members).encoded(), place: "older")
        #expect(earlier.quietUntil == nil)
        try scheduler.schedules.write(earlier, id: "older")

        let quiet = await scheduler.fireDue(now: firstFire.addingTimeInterval(-1))
        #expect(quiet.fired.isEmpty && quiet.problems.isEmpty)
        let due = await scheduler.fireDue(now: firstFire)
        #expect(due.fired.map(\.scheduleId) == ["noted", "older"])
        for fired in due.fired { _ = try await scheduler.engine.execute(fired.run) }
        // A run was open when the states were written, so neither has a note; the next pass
        // sees the runs closed, writes that down, and notes the next fire time again.
        #expect(try scheduler.schedules.read("older")?.quietUntil == nil)
        _ = await scheduler.fireDue(now: firstFire.addingTimeInterval(30))
        #expect(try scheduler.schedules.read("older")?.quietUntil == firstFire.addingTimeInterval(5 * 60))

        try await scheduler.update("noted") { $0.pausedOverride = true }
        #expect(try scheduler.schedules.read("noted")?.quietUntil == .distantFuture)
        let paused = await scheduler.fireDue(now: firstFire.addingTimeInterval(5 * 60))
        #expect(paused.fired.map(\.scheduleId) == ["older"])
    }

    /// Once a pass has found every schedule quiet until some time and nothing was written
    /// for two seconds, later passes read no state until then; any write (here a schedule
    /// registered meanwhile) ends that at once.
    @Test func aQuietPassReadsNoStateUntilAStateIsWritten() async throws {
        try await withState(.files) { root in
            let scheduler = try await scheduler(.files, root: root, [entry("every-five", input: "a")])
            let state = root.appendingPathComponent("schedules/every-five.json")
            let note = root.appendingPathComponent("schedules.quiet")
            _ = await scheduler.fireDue(now: start.addingTimeInterval(60))
            #expect(!FileManager.default.fileExists(atPath: note.path), "the states were written less than two seconds ago")
            try await Task.sleep(for: .milliseconds(2_100))
            _ = await scheduler.fireDue(now: start.addingTimeInterval(60))
            #expect(scheduler.schedules.quietNote() == start.addingTimeInterval(5 * 60))

            // Bytes changed in place (no rename, the directory does not move) are not read:
            // the pass trusts the note.
            let valid = try Data(contentsOf: state)
            let handle = try FileHandle(forWritingTo: state)
            try handle.write(contentsOf: Data("not json".utf8))
            try handle.truncate(atOffset: 8)
            try handle.close()
            let trusting = await scheduler.fireDue(now: start.addingTimeInterval(120))
            #expect(trusting.problems.isEmpty && trusting.fired.isEmpty)
            try valid.write(to: state)  // in place again

            // A schedule registered now is due every minute: the write ends the note.
            var minutely = entry("every-minute", input: "b")
            minutely["cron"] = "* * * * *"
            let specs = try ScheduleFile.parse(
                try JSONSerialization.data(withJSONObject: [entry("every-five", input: "a"), minutely]), path: "schedules.json",
                knownWorkflows: [Greeting.name])
            _ = try await ScheduleRegistration.reconcile(specs, store: scheduler.schedules, now: start.addingTimeInterval(120), dryRun: false)
            #expect(scheduler.schedules.quietNote() == nil)
            let due = await scheduler.fireDue(now: start.addingTimeInterval(180))
            #expect(due.fired.map(\.scheduleId) == ["every-minute"])
            for fired in due.fired { _ = try await scheduler.engine.execute(fired.run) }
        }
    }
}

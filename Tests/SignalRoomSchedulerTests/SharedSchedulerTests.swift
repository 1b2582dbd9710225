import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomStateTesting
import Testing

@testable import SignalRoomScheduler

/// Several schedulers on one state at once, each with stores of its own (on PostgreSQL its
/// own connection, as separate hosts have): what `flock` guarantees on one host, the
/// database must guarantee across them.
@Suite struct SharedSchedulerTests {
    let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z

    private func scheduler(_ kind: StoreKind, root: URL) throws -> Scheduler {
        var registry = WorkflowRegistry()
        registry.register(workflow: Greeting.self)
        registry.register(activity: Greet())
        let stores = try kind.makeStores(root: root)
        return Scheduler(schedules: stores.schedules, engine: WorkflowEngine(store: stores.histories, registry: registry))
    }

    private func register(_ scheduler: Scheduler, _ entries: [[String: Any]]) async throws {
        let specs = try ScheduleFile.parse(
            try JSONSerialization.data(withJSONObject: entries), path: "schedules.json", knownWorkflows: scheduler.engine.registry.workflowNames)
        _ = try await ScheduleRegistration.reconcile(specs, store: scheduler.schedules, now: start, dryRun: false)
    }

    @Test(arguments: StoreKind.allCases) func eightSchedulersFiringAtOnceStartEachFireTimeOnce(store: StoreKind) async throws {
        try await withState(store) { root in
            let first = try scheduler(store, root: root)
            try await register(
                first,
                [
                    ["id": "every-five", "cron": "*/5 * * * *", "workflow": Greeting.name, "input": "a", "overlap": "allow_all"],
                    ["id": "hourly", "cron": "0 * * * *", "workflow": Greeting.name, "input": "b"],
                ])
            let schedulers = try [first] + (1..<8).map { _ in try scheduler(store, root: root) }
            // Half an hour of fire times, each due to all eight at once.
            let now = start.addingTimeInterval(30 * 60 + 10)
            let passes = await withTaskGroup(of: Scheduler.Pass.self) { group in
                for scheduler in schedulers { group.addTask { await scheduler.fireDue(now: now) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(passes.allSatisfy { $0.problems.isEmpty }, "\(passes.flatMap(\.problems).map(\.message))")
            let fired = passes.flatMap(\.fired).map(\.run.run.workflowId).sorted()
            #expect(fired == Set(fired).sorted(), "a fire time was started twice: \(fired)")
            let runs = try first.engine.store.openRuns().map(\.workflowId)
            #expect(Set(runs) == Set(fired))
            // allow_all starts every missed five minutes; hourly (skip) had no fire time in the half hour.
            #expect(fired.count == 6, "\(fired)")
            let state = try #require(try first.schedules.read("every-five"))
            #expect(state.handledThrough == start.addingTimeInterval(30 * 60), "handled through the last fire time")
        }
    }

    @Test(arguments: StoreKind.allCases) func changesToOneScheduleFromEightProcessesAreNeverLost(store: StoreKind) async throws {
        try await withState(store) { root in
            let first = try scheduler(store, root: root)
            try await register(first, [["id": "daily", "cron": "0 6 * * *", "workflow": Greeting.name, "input": "a"]])
            let schedulers = try [first] + (1..<8).map { _ in try scheduler(store, root: root) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, scheduler) in schedulers.enumerated() {
                    group.addTask {
                        for round in 0..<2 {
                            let at = start.addingTimeInterval(Double(index * 10 + round))
                            try await scheduler.update("daily") { $0.remember(.init(kind: .triggered, fireTime: at, workflowId: nil, at: at)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let state = try #require(try first.schedules.read("daily"))
            #expect(state.recent.count == 16, "a read-modify-write under the schedule's lock lost \(16 - state.recent.count) changes")
        }
    }
}

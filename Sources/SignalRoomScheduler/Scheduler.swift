import Foundation
import SignalRoomEngine
import SignalRoomCron

/// Fires schedules through the engine. Creating a scheduled run (id
/// `<schedule-id>-<fire time>`, never reused) is the claim on its fire time, so any number
/// of processes may run `fireDue` at once: each time fires exactly once.
public struct Scheduler: Sendable {
    public let schedules: any ScheduleStore
    public let engine: WorkflowEngine

    private let knownWorkflows: [String]

    public init(schedules: any ScheduleStore, engine: WorkflowEngine) {
        self.schedules = schedules
        self.engine = engine
        knownWorkflows = engine.registry.workflowNames
    }

    /// A schedule as registered: its spec (re-read from the stored source) and state.
    public struct Registered: Sendable {
        public var spec: ScheduleSpec
        public var state: ScheduleState
        public var paused: Bool { state.pausedOverride ?? spec.paused }
        public var note: String? { state.noteOverride ?? spec.note }
    }

    public func registered(_ id: String) throws -> Registered {
        guard let state = try schedules.read(id) else { throw ScheduleStoreError.notFound(id) }
        return Registered(spec: try spec(of: state, id: id), state: state)
    }

    func spec(of state: ScheduleState, id: String) throws -> ScheduleSpec {
        do {
            return try ScheduleFile.parse(entry: state.source, position: 1, path: id, knownWorkflows: knownWorkflows)
        } catch {
            throw ScheduleStoreError.damaged(path: schedules.place(id), reason: error.message)
        }
    }

    /// What a pass did, for the caller to report and to execute.
    public struct Fired: Sendable {
        public var scheduleId: String
        public var fireTime: Date
        public var run: WorkflowEngine.ClaimedRun
    }

    /// A fire time this pass dealt with without starting a run.
    public struct Passed: Sendable {
        public enum Kind: String, Sendable { case skipped, buffered }
        public var scheduleId: String
        public var fireTime: Date
        public var kind: Kind
    }

    public struct Problem: Sendable {
        public var scheduleId: String
        public var message: String
    }

    /// What one `fireDue` pass did, schedule by schedule in id order.
    public struct Pass: Sendable {
        public var fired: [Fired] = []
        public var passed: [Passed] = []
        public var problems: [Problem] = []
    }

    /// One pass over every registered schedule: starts the runs that are due (claimed by
    /// this process, not yet executed) and records what it did in each schedule's state.
    /// A schedule that cannot be handled is reported and does not hold up the others.
    public func fireDue(now: Date) async -> Pass {
        var pass = Pass()
        // Nothing written since a pass found every schedule quiet until some instant: no
        // state needs reading before then (1,000 of them were half a quiet pass).
        if let quiet = schedules.quietNote(), now < quiet { return pass }
        let openIds = Set((try? engine.store.openRuns().map(\.workflowId)) ?? [])
        let mark = schedules.changeMark()
        let all: [(id: String, state: Result<ScheduleState, any Error>)]
        do { all = try schedules.readAll() } catch {
            pass.problems.append(Problem(scheduleId: "*", message: "the registered schedules cannot be listed: \(error)"))
            return pass
        }
        // Every state read and quiet until some time: the earliest time any can be due, for
        // the next passes.
        var earliest: Date? = .distantFuture
        for (_, read) in all {
            guard case .success(let state) = read, let quiet = state.quietUntil else {
                earliest = nil
                break
            }
            earliest = min(earliest ?? quiet, quiet)
        }
        if let mark, let earliest, now < earliest {
            schedules.noteQuiet(until: earliest, since: mark)
            return pass
        }
        for (id, read) in all {
            do {
                // Most minutes nothing is due: look without the lock first, so a quiet pass
                // over many schedules takes no locks and writes nothing.
                guard try hasWork(try read.get(), id: id, now: now, openIds: openIds) else { continue }
                let (fired, passed) = try await schedules.withLock(id) { try await fire(id, now: now, openIds: openIds) }
                pass.fired += fired
                pass.passed += passed
            } catch {
                pass.problems.append(Problem(scheduleId: id, message: "\(error)"))
            }
        }
        return pass
    }

    private func hasWork(_ state: ScheduleState, id: String, now: Date, openIds: Set<String>) throws -> Bool {
        // What the state says of itself when it was written: most minutes nothing can be
        // due before then, and the spec is not even parsed.
        if let quiet = state.quietUntil, now < quiet { return false }
        let spec = try spec(of: state, id: id)
        let stillOpen = state.openRuns.filter { openIds.contains($0) }
        return DuePlan.make(spec: spec, state: state, openRuns: stillOpen, now: now).state != state
    }

    private func fire(_ id: String, now: Date, openIds: Set<String>) async throws -> ([Fired], [Passed]) {
        guard let state = try schedules.read(id) else { return ([], []) }
        let spec = try spec(of: state, id: id)
        let stillOpen = state.openRuns.filter { openIds.contains($0) }
        var plan = DuePlan.make(spec: spec, state: state, openRuns: stillOpen, now: now)
        guard plan.state != state else { return ([], []) }
        for workflowId in plan.stopOpenRuns {
            let kind: ScheduleState.Action.Kind = spec.overlap == .cancelOther ? .canceledOther : .terminatedOther
            _ =
                try? await
                (spec.overlap == .cancelOther
                ? engine.cancel(workflowId: workflowId, reason: "schedule \(id): overlap policy cancel_other")
                : engine.terminate(workflowId: workflowId, reason: "schedule \(id): overlap policy terminate_other"))
            plan.state.remember(.init(kind: kind, fireTime: now, workflowId: workflowId, at: now))
            plan.state.openRuns.removeAll { $0 == workflowId }
        }
        for time in plan.skipped { plan.state.remember(.init(kind: .skipped, fireTime: time, workflowId: nil, at: now)) }
        for time in plan.buffered { plan.state.remember(.init(kind: .buffered, fireTime: time, workflowId: nil, at: now)) }
        var fired: [Fired] = []
        for time in plan.start {
            if let run = try start(spec, fireTime: time) {
                fired.append(Fired(scheduleId: id, fireTime: time, run: run))
                plan.state.openRuns.append(run.run.workflowId)
                plan.state.remember(.init(kind: .started, fireTime: time, workflowId: run.run.workflowId, at: now))
            }
        }
        try schedules.write(plan.state, id: id)
        let passed =
            plan.skipped.map { Passed(scheduleId: id, fireTime: $0, kind: .skipped) }
            + plan.buffered.map { Passed(scheduleId: id, fireTime: $0, kind: .buffered) }
        return (fired, passed)
    }

    /// Starts the run for one fire time; nil when that time already has a run (another
    /// process fired it).
    public func start(_ spec: ScheduleSpec, fireTime: Date) throws -> WorkflowEngine.ClaimedRun? {
        do {
            return try engine.start(
                workflowType: spec.workflow, workflowId: spec.workflowId(for: fireTime), input: spec.input,
                schedule: ScheduleAttribution(scheduleId: spec.id, fireTime: fireTime))
        } catch WorkflowStoreError.alreadyUsed, WorkflowStoreError.alreadyRunning {
            return nil
        }
    }

    /// Changes a schedule's state under its lock.
    public func update(_ id: String, _ change: (inout ScheduleState) -> Void) async throws {
        try await schedules.withLock(id) {
            guard var state = try schedules.read(id) else { throw ScheduleStoreError.notFound(id) }
            change(&state)
            try schedules.write(state, id: id)
        }
    }
}

import Foundation
import SignalRoomEngine

/// One `run-due` pass, what cron runs every minute: fire every schedule's due times (the
/// `Scheduler`), run what it fired, resume parked runs whose wake-up time has come, and prune
/// closed runs past the retention. Nothing new starts after `deadline`; what is left waits
/// for the next pass.
///
/// It tells `observe` each thing it does as it happens, in order, and returns the counts that
/// decide the exit code; it prints nothing, so it runs the same under the CLI and in a test.
public struct RunDue: Sendable {
    public let scheduler: Scheduler
    /// Closed runs that closed longer ago than this are pruned at the end of the pass.
    public var retention: TimeInterval
    /// No run is started or resumed after this instant.
    public var deadline: Date

    public init(scheduler: Scheduler, retention: TimeInterval, deadline: Date) {
        self.scheduler = scheduler
        self.retention = retention
        self.deadline = deadline
    }

    public enum Action: String, Sendable { case fired, resumed }

    /// A run the pass worked on, and how that went.
    public struct Worked: Sendable {
        public var action: Action
        public var run: RunReference
        /// The schedule and fire time that started the run (nil: started by hand).
        public var schedule: ScheduleAttribution?
        /// How the run ended here; nil when it could not be handled or was not started.
        public var outcome: RunOutcome?
        /// Why the run could not be handled (damaged history, unknown type, a failed write).
        public var error: (any Error)?
        /// A fired run the deadline left unstarted: it is in the open index, ready.
        public var leftForNextPass = false

        public var failed: Bool { if case .failed? = outcome { true } else { false } }
    }

    public enum Event: Sendable {
        /// A schedule that could not be handled; the others were.
        case scheduleProblem(Scheduler.Problem)
        /// A fire time dealt with without a run (skipped, buffered).
        case passed(Scheduler.Passed)
        /// A fire time's run was created; it runs after every schedule has fired.
        case started(Scheduler.Fired)
        case worked(Worked)
    }

    /// What decides the exit code: damage needs an operator more than a failed run does.
    public struct Summary: Sendable, Equatable {
        /// Runs that closed as failed.
        public var failed = 0
        /// Schedules and runs that could not be handled.
        public var unhandled = 0
        /// What the pass did, for its record (`RunDuePassLog`): runs fired and resumed, fire
        /// times passed without a run (skipped, buffered), closed runs pruned.
        public var fired = 0
        public var resumed = 0
        public var passed = 0
        public var pruned = 0

        public init(failed: Int = 0, unhandled: Int = 0) {
            self.failed = failed
            self.unhandled = unhandled
        }
    }

    public func run(now: Date, observe: (Event) -> Void) async throws -> Summary {
        var summary = Summary()
        let pass = await scheduler.fireDue(now: now)
        for problem in pass.problems { observe(.scheduleProblem(problem)) }
        summary.unhandled += pass.problems.count
        summary.fired = pass.fired.count
        summary.passed = pass.passed.count
        for item in pass.passed { observe(.passed(item)) }
        for item in pass.fired { observe(.started(item)) }
        for item in pass.fired {
            var worked = Worked(
                action: .fired, run: item.run.run,
                schedule: ScheduleAttribution(scheduleId: item.scheduleId, fireTime: item.fireTime))
            if Date() < deadline {
                do {
                    worked.outcome = try await scheduler.engine.execute(item.run)
                } catch {
                    worked.error = error
                }
            } else {
                worked.leftForNextPass = true
            }
            summary.count(worked)
            observe(.worked(worked))
        }
        summary = try await Self.resumeParked(engine: scheduler.engine, deadline: deadline, into: summary, observe: observe)
        summary.pruned = (try? scheduler.engine.store.prune(closedBefore: Date().addingTimeInterval(-retention))) ?? 0
        return summary
    }

    /// Resumes, one after another, the open runs whose wake-up time has come and that no
    /// process holds (`workflow resume --due` runs only this). A run that cannot go on is
    /// reported and skipped: it must not hold up the others. An open index that cannot be
    /// read is an error, never an empty list of due runs.
    public static func resumeParked(
        engine: WorkflowEngine, deadline: Date, into summary: Summary = Summary(),
        observe: (Event) -> Void
    ) async throws -> Summary {
        var summary = summary
        let now = Date()
        let due = try engine.store.openRuns().filter { ($0.wakeUpTime ?? .distantPast) <= now }
        for entry in due {
            guard Date() < deadline else { break }
            var worked = Worked(action: .resumed, run: entry.run, schedule: attribution(of: entry.run, in: engine.store))
            do {
                worked.outcome = try await engine.execute(try engine.claim(entry.run))
            } catch WorkflowStoreError.runLocked {
                continue  // another process is on it
            } catch {
                worked.error = error
            }
            summary.count(worked)
            summary.resumed += 1
            observe(.worked(worked))
        }
        return summary
    }

    /// The schedule and fire time a run's history records, if a schedule started it.
    static func attribution(of run: RunReference, in store: any HistoryStore) -> ScheduleAttribution? {
        (try? store.started(run))??.schedule
    }
}

extension RunDue.Summary {
    mutating func count(_ worked: RunDue.Worked) {
        if worked.error != nil { unhandled += 1 }
        if worked.failed { failed += 1 }
    }
}

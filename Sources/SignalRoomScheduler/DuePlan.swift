import Foundation

/// What one `run-due` pass does for one schedule, decided from its spec, its state, which
/// of its runs are open, and the time. Pure, so the overlap and catch-up rules can be
/// tested without processes.
public struct DuePlan: Sendable, Equatable {
    /// Fire times to start now, oldest first.
    public var start: [Date] = []
    /// Fire times passed over because a run was open (`skip`) or a backlog collapsed.
    public var skipped: [Date] = []
    /// Fire times newly put in the buffer.
    public var buffered: [Date] = []
    /// Open runs to cancel or terminate before starting (`cancel_other`, `terminate_other`).
    public var stopOpenRuns: [String] = []
    /// The state after the pass (buffer and `handledThrough` updated).
    public var state: ScheduleState

    public static func make(spec: ScheduleSpec, state: ScheduleState, openRuns: [String], now: Date) -> DuePlan {
        var plan = DuePlan(state: state)
        // A paused schedule is left as it is: nothing starts and nothing is written each
        // minute. Unpausing (`schedule unpause`, or the file through `schedule-setup`)
        // moves `handledThrough` to that moment, so the paused times are not replayed.
        if state.pausedOverride ?? spec.paused { return plan }
        plan.state.openRuns = openRuns
        let windowStart = max(state.handledThrough, now.addingTimeInterval(-spec.catchupWindow))
        var due: [Date] = []
        for time in spec.cron.fireTimes(from: windowStart, through: now, in: spec.timeZone) {
            // A jittered time that is not due yet stops the pass: it and later ones wait.
            if time.addingTimeInterval(spec.jitterDelay(for: time)) > now { break }
            due.append(time)
        }
        if let last = due.last { plan.state.handledThrough = last }
        let open = !openRuns.isEmpty
        switch spec.overlap {
        case .skip:
            // A backlog (after an outage) starts one run, for the latest time.
            if !open, let last = due.last {
                plan.start = [last]
                plan.skipped = Array(due.dropLast())
            } else {
                plan.skipped = due
            }
        case .bufferOne:
            var buffer = plan.state.buffered
            var candidates = buffer + due
            buffer = []
            if !open, !candidates.isEmpty { plan.start = [candidates.removeFirst()] }
            if let next = candidates.first {
                buffer = [next]
                if !state.buffered.contains(next) { plan.buffered = [next] }
            }
            plan.skipped = Array(candidates.dropFirst())
            plan.state.buffered = buffer
        case .bufferAll:
            plan.buffered = due
            var buffer = plan.state.buffered + due
            if !open, !buffer.isEmpty { plan.start = [buffer.removeFirst()] }
            plan.state.buffered = buffer
        case .cancelOther, .terminateOther:
            if let last = due.last {
                plan.start = [last]
                plan.skipped = Array(due.dropLast())
                plan.stopOpenRuns = openRuns
            }
        case .allowAll:
            plan.start = due
        }
        return plan
    }
}

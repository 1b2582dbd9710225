import Foundation
import SignalRoomCore

/// The one writer of a claimed run's history during an execution: it replays recorded
/// commands, appends new events (durably before the step they enable runs) and turns
/// cancel and terminate requests into events.
///
/// Events are buffered and written with one `fdatasync` at each write-ahead point (before
/// an activity attempt starts, before any wait, at a heartbeat checkpoint and at the end),
/// so an activity's completion shares a sync with the next activity's start.
actor RunJournal {
    let lease: any RunLease
    let configuration: EngineConfiguration
    let state: DeterministicState
    let started: WorkflowExecutionStarted
    private(set) var events: [HistoryEvent]
    private var pending: [HistoryEvent] = []
    private let recordedCommands: [HistoryEvent]
    /// Each activity's later events (by its scheduled event id) and each timer's outcome,
    /// indexed once so replay stays linear in the history's length.
    private let activityEvents: [Int: [HistoryEvent]]
    private let timerOutcomes: [Int: HistoryEvent]
    private var nextCommand = 0
    private(set) var cancelRequested: Bool
    private(set) var stop: StopReason?
    /// Set when an append failed (disk full, I/O error): nothing more is written, and the
    /// run is left open for a later invocation instead of being closed as failed.
    private(set) var storageFailure: Error?
    /// Set at the first mismatch; the run fails with it whatever the workflow code does.
    private(set) var nondeterminism: NonDeterminismError?
    private var lastHeartbeat: Date?
    private var activitiesAskedToCancel: Set<Int> = []
    private var heartbeatDetails: [Int: JSONValue] = [:]
    private var checkpoints = CheckpointProgress()
    private var currentWatch: AttemptWatch?

    /// Why the workflow's code must not go on in this process.
    enum StopReason: Equatable {
        case parked(Date)
        case terminated(String)
    }

    init(lease: any RunLease, configuration: EngineConfiguration) throws {
        self.lease = lease
        self.configuration = configuration
        events = lease.events
        guard case .workflowExecutionStarted(let started)? = events.first?.attributes else {
            throw WorkflowStoreError.io(path: lease.run.workflowId, reason: "history does not begin with WorkflowExecutionStarted")
        }
        self.started = started
        var commands: [HistoryEvent] = []
        var activityEvents: [Int: [HistoryEvent]] = [:]
        var timerOutcomes: [Int: HistoryEvent] = [:]
        for event in events {
            switch event.attributes {
            case .activityTaskScheduled, .timerStarted: commands.append(event)
            case .timerFired(let a): timerOutcomes[a.startedEventId] = event
            case .timerCanceled(let a): timerOutcomes[a.startedEventId] = event
            default: if let id = event.attributes.scheduledEventId { activityEvents[id, default: []].append(event) }
            }
        }
        recordedCommands = commands
        self.activityEvents = activityEvents
        self.timerOutcomes = timerOutcomes
        cancelRequested = events.contains {
            if case .workflowExecutionCancelRequested = $0.attributes { return true }
            return false
        }
        state = DeterministicState(time: events[0].time, replaying: !recordedCommands.isEmpty, seed: started.randomSeed)
    }

    var isClosed: Bool { events.last?.attributes.closingStatus != nil }

    // MARK: Writing

    @discardableResult
    func record(_ attributes: EventAttributes, flush: Bool = false) throws -> HistoryEvent {
        // A heartbeat queued behind a terminate must not land after the closing event.
        if isClosed { throw RunStopped() }
        let event = HistoryEvent(eventId: events.count + 1, time: Timestamp.truncated(configuration.clock()), attributes: attributes)
        events.append(event)
        pending.append(event)
        if flush { try self.flush() }
        return event
    }

    func flush() throws {
        if let storageFailure { throw storageFailure }
        guard !pending.isEmpty else { return }
        do {
            try lease.append(pending)
        } catch {
            storageFailure = error
            throw error
        }
        pending.removeAll(keepingCapacity: true)
        configuration.afterDurableAppend(events.count)
    }

    private func advanceTime(to event: HistoryEvent) {
        state.advance(to: event.time, replaying: nextCommand < recordedCommands.count)
    }

    // MARK: Requests from other processes

    /// Records a pending cancel or terminate request. Throws `RunStopped` on terminate.
    func checkRequests() throws {
        try checkStopped()
        guard let request = lease.pendingRequest() else { return }
        switch request.kind {
        case .terminate:
            try terminate(reason: request.reason ?? "terminated", identity: request.identity)
        case .cancel where !cancelRequested:
            cancelRequested = true
            try record(.workflowExecutionCancelRequested(.init(reason: request.reason, identity: request.identity)), flush: true)
            lease.clearRequest(.cancel)
        case .cancel:
            lease.clearRequest(.cancel)
        }
    }

    func terminate(reason: String, identity: String) throws {
        try record(.workflowExecutionTerminated(.init(reason: reason, identity: identity)), flush: true)
        stop = .terminated(reason)
        lease.clearRequest(.terminate)
        updateIndex { try lease.markClosed(status: .terminated, closeTime: events[events.count - 1].time) }
        throw RunStopped()
    }

    /// Index writes after the history is durable: a failure is logged, not fatal, because
    /// the index is a cache that readers repair and `workflow reindex` rebuilds.
    private func updateIndex(_ write: () throws -> Void) {
        do {
            try write()
        } catch {
            configuration.log(
                LogRecord(
                    level: .warning, message: "the run index could not be updated: \(error)",
                    metadata: ["workflow_id": lease.run.workflowId]))
        }
    }

    func checkStopped() throws {
        if stop != nil { throw RunStopped() }
    }

    // MARK: Commands

    /// Matches the workflow's next command against the history, or returns nil when the
    /// history has no more recorded commands (the workflow is live from here on).
    private func matchRecorded(_ issued: @autoclosure () -> String, matches: (EventAttributes) -> Bool) throws -> HistoryEvent? {
        if let nondeterminism { throw nondeterminism }
        guard nextCommand < recordedCommands.count else { return nil }
        let recorded = recordedCommands[nextCommand]
        guard matches(recorded.attributes) else {
            let error = NonDeterminismError(eventId: recorded.eventId, recorded: Self.describe(recorded), issued: issued())
            nondeterminism = error
            throw error
        }
        nextCommand += 1
        return recorded
    }

    static func describe(_ event: HistoryEvent) -> String {
        switch event.attributes {
        case .activityTaskScheduled(let a):
            "\(event.eventType) of activity \(a.activityType) with input digest \(a.input.digest)"
        case .timerStarted(let a):
            "\(event.eventType) for \(a.durationSeconds) s"
        default:
            event.eventType
        }
    }

    /// Fails the run's replay if the history holds commands the workflow no longer issues.
    func checkAllCommandsReplayed() throws {
        guard nextCommand < recordedCommands.count else { return }
        let recorded = recordedCommands[nextCommand]
        let error = NonDeterminismError(
            eventId: recorded.eventId, recorded: Self.describe(recorded), issued: "no further command (the workflow returned)")
        nondeterminism = error
        throw error
    }

    /// Whether every recorded command has been replayed: requests (cancel, terminate) are
    /// looked for at the live edge, not at each recorded step, where nothing new can happen
    /// (a file lookup per step was a fifth of a 10,001-event replay). `execute` looks once
    /// before replay begins.
    private var isLive: Bool { nextCommand >= recordedCommands.count }

    func scheduleActivity(type: String, input: JSONValue, options: ActivityOptions) throws -> ActivityProgress {
        if isLive { try checkRequests() }
        if let scheduled = try matchRecorded(
            "ActivityTaskScheduled of activity \(type) with input digest \(input.digest)",
            matches: {
                if case .activityTaskScheduled(let a) = $0 { return a.activityType == type && a.input == input }
                return false
            })
        {
            guard case .activityTaskScheduled(let recorded) = scheduled.attributes else { preconditionFailure() }
            return try progressOfRecordedActivity(scheduled, recorded)
        }
        if cancelRequested { throw CanceledError() }
        let event = try record(.activityTaskScheduled(.init(activityType: type, input: input, options: options)))
        configuration.log(
            LogRecord(
                level: .debug, message: "activity scheduled",
                metadata: ["workflow_id": lease.run.workflowId, "activity_type": type, "event_id": String(event.eventId)]))
        return ActivityProgress(
            scheduledEventId: event.eventId, activityType: type, input: input, options: options,
            scheduledTime: event.time, nextAttempt: 1, notBefore: nil, lastHeartbeatDetails: nil)
    }

    private func progressOfRecordedActivity(_ scheduled: HistoryEvent, _ recorded: ActivityTaskScheduled) throws -> ActivityProgress {
        var progress = ActivityProgress(
            scheduledEventId: scheduled.eventId, activityType: recorded.activityType,
            input: recorded.input, options: recorded.options, scheduledTime: scheduled.time,
            nextAttempt: 1, notBefore: nil, lastHeartbeatDetails: nil)
        var runningAttempt: Int?
        for event in activityEvents[scheduled.eventId] ?? [] {
            switch event.attributes {
            case .activityTaskStarted(let a):
                runningAttempt = a.attempt
                checkpoints.attemptStarted(scheduled.eventId)
            case .activityTaskHeartbeatRecorded(let a):
                progress.lastHeartbeatDetails = a.details
                checkpoints.heartbeat(scheduled.eventId, attempt: a.attempt, details: a.details)
            case .activityTaskCompleted(let a):
                advanceTime(to: event)
                progress.resolution = .success(a.result)
            case .activityTaskFailed(let a):
                runningAttempt = nil
                replayFailedAttempt(
                    &progress, event, attempt: a.attempt, next: a.nextAttemptTime, retryState: a.retryState,
                    failure: a.failure)
            case .activityTaskTimedOut(let a):
                runningAttempt = nil
                replayFailedAttempt(
                    &progress, event, attempt: a.attempt, next: a.nextAttemptTime, retryState: a.retryState,
                    failure: Self.timeoutFailure(a.timeoutType))
            case .activityTaskCanceled:
                advanceTime(to: event)
                progress.resolution = .failure(CanceledError())
            default:
                break
            }
        }
        if progress.resolution == nil, let attempt = runningAttempt {
            // The lease was free, so the process that started this attempt is gone.
            let failure = Failure(message: "the worker running attempt \(attempt) died before it finished", type: "WorkerDied")
            try recordFailedAttempt(&progress, attempt: attempt, failure: failure, retryAfter: .zero, timeout: nil)
        }
        if progress.resolution == nil { state.advance(to: state.now, replaying: false) }
        return progress
    }

    /// A recorded failed attempt: either the next attempt's time, or the final failure.
    private func replayFailedAttempt(
        _ progress: inout ActivityProgress, _ event: HistoryEvent, attempt: Int, next: Date?,
        retryState: RetryState, failure: Failure
    ) {
        if let next {
            progress.nextAttempt = attempt + 1
            progress.notBefore = next
        } else {
            advanceTime(to: event)
            progress.resolution = .failure(
                ActivityFailure(
                    activityType: progress.activityType, attempt: attempt,
                    retryState: retryState, failure: failure))
        }
    }

    static func timeoutFailure(_ type: TimeoutType) -> Failure {
        let name = type.rawValue.prefix(1).uppercased() + type.rawValue.dropFirst() + "Timeout"
        return Failure(message: "the activity attempt exceeded its \(type.rawValue) timeout", type: name)
    }

    /// Appends `ActivityTaskStarted` (durably, with anything buffered) and returns the
    /// attempt, or nil when the workflow has been cancelled and no attempt may start.
    func startAttempt(_ progress: ActivityProgress) throws -> Int? {
        try checkRequests()
        if cancelRequested { return nil }
        try record(
            .activityTaskStarted(
                .init(
                    scheduledEventId: progress.scheduledEventId, attempt: progress.nextAttempt,
                    identity: configuration.identity)), flush: true)
        lastHeartbeat = configuration.clock()
        checkpoints.attemptStarted(progress.scheduledEventId)
        return progress.nextAttempt
    }

    func recordCompletion(_ progress: inout ActivityProgress, attempt: Int, result: JSONValue) throws {
        let event = try record(.activityTaskCompleted(.init(scheduledEventId: progress.scheduledEventId, attempt: attempt, result: result)))
        state.advance(to: event.time, replaying: false)
        progress.resolution = .success(result)
    }

    /// Records a failed or timed-out attempt and decides, by the retry policy and the
    /// schedule-to-close limit, whether another attempt follows and when.
    func recordFailedAttempt(
        _ progress: inout ActivityProgress, attempt: Int, failure: Failure,
        retryAfter: Duration?, timeout: TimeoutType?
    ) throws {
        let policy = progress.options.retryPolicy
        let now = Timestamp.truncated(configuration.clock())
        var retryState = RetryState.inProgress
        var nextTime: Date?
        let counted = checkpoints.countedAttempts(progress.scheduledEventId, through: attempt)
        if timeout == .scheduleToClose {
            retryState = .timeout
        } else if !policy.allowsRetry(of: failure) {
            retryState = .nonRetryableFailure
        } else if !policy.hasAttemptsLeft(after: counted) {
            retryState = .maximumAttemptsReached
        } else {
            let wait = retryAfter ?? policy.interval(afterAttempt: max(1, counted))
            let next = Timestamp.truncated(now.addingTimeInterval(wait.seconds))
            if let limit = progress.options.scheduleToCloseTimeout, next >= progress.scheduledTime.addingTimeInterval(limit.seconds) {
                retryState = .timeout
            } else {
                nextTime = next
            }
        }
        let event: HistoryEvent
        if let timeout {
            event = try record(
                .activityTaskTimedOut(
                    .init(
                        scheduledEventId: progress.scheduledEventId, attempt: attempt,
                        timeoutType: timeout, retryState: retryState, nextAttemptTime: nextTime)))
        } else {
            event = try record(
                .activityTaskFailed(
                    .init(
                        scheduledEventId: progress.scheduledEventId, attempt: attempt,
                        failure: failure, retryState: retryState, nextAttemptTime: nextTime)))
        }
        let what = timeout.map { "timed out (\($0.rawValue))" } ?? "failed: \(failure.message)"
        var metadata = ["workflow_id": lease.run.workflowId, "activity": progress.activityType, "attempt": String(attempt)]
        if let nextTime {
            metadata["next_attempt"] = Timestamp.format(nextTime)
            configuration.log(LogRecord(level: .warning, message: "activity attempt \(what); retrying", metadata: metadata))
            progress.nextAttempt = attempt + 1
            progress.notBefore = nextTime
        } else {
            configuration.log(LogRecord(level: .error, message: "activity \(what); no retry (\(retryState.rawValue))", metadata: metadata))
            state.advance(to: event.time, replaying: false)
            progress.resolution = .failure(
                ActivityFailure(
                    activityType: progress.activityType, attempt: attempt,
                    retryState: retryState, failure: failure))
        }
    }

    func recordCanceled(_ progress: inout ActivityProgress, attempt: Int?) throws {
        if !activitiesAskedToCancel.contains(progress.scheduledEventId) {
            try record(.activityTaskCancelRequested(.init(scheduledEventId: progress.scheduledEventId)))
        }
        let event = try record(
            .activityTaskCanceled(.init(scheduledEventId: progress.scheduledEventId, attempt: attempt ?? progress.nextAttempt - 1)))
        state.advance(to: event.time, replaying: false)
        progress.resolution = .failure(CanceledError())
    }

    func recordActivityCancelRequested(_ scheduledEventId: Int) throws {
        activitiesAskedToCancel.insert(scheduledEventId)
        try record(.activityTaskCancelRequested(.init(scheduledEventId: scheduledEventId)), flush: true)
    }

    // MARK: The running attempt

    /// Starts watching an attempt's deadlines and the run's requests for it.
    func beginWatch(_ watch: AttemptWatch) { currentWatch = watch }

    /// Stops watching; returns what the watchdog decided and when, if it decided anything.
    func endWatch() -> (signal: AttemptWatch.Signal, at: Date)? {
        defer { currentWatch = nil }
        guard let watch = currentWatch, let signal = watch.signal, let at = watch.signaledAt else { return nil }
        return (signal, at)
    }

    /// One look at the running attempt: cancels it when a deadline has passed, its
    /// heartbeat went silent, or a cancel or terminate request arrived. Returns how long
    /// the watchdog may sleep before the next look.
    func watchTick() -> Duration {
        let poll = configuration.pollInterval
        guard var watch = currentWatch, watch.signal == nil else { return poll }
        let now = configuration.clock()
        var nextLook = min(poll.seconds, watch.deadline.timeIntervalSince(now))
        if let timeout = watch.heartbeatTimeout?.seconds {
            let silentFor = now.timeIntervalSince(lastHeartbeat ?? now)
            if silentFor >= timeout { watch.signal = .timedOut(.heartbeat) }
            nextLook = min(nextLook, timeout - silentFor)
        }
        if watch.signal == nil, now >= watch.deadline { watch.signal = .timedOut(watch.deadlineType) }
        if watch.signal == nil {
            do {
                let wasCanceled = cancelRequested
                try checkRequests()
                if !wasCanceled, cancelRequested {
                    try recordActivityCancelRequested(watch.scheduledEventId)
                    watch.signal = .cancelRequested
                }
            } catch {
                watch.signal = .stopped
            }
        }
        if watch.signal != nil { watch.signaledAt = now }
        currentWatch = watch
        if watch.signal != nil { watch.cancel() }
        return .milliseconds(Int64(max(1, nextLook * 1000)))
    }

    // MARK: Heartbeats

    func heartbeat(scheduledEventId: Int, attempt: Int, details: JSONValue?) throws {
        lastHeartbeat = configuration.clock()
        if let details {
            heartbeatDetails[scheduledEventId] = details
            checkpoints.heartbeat(scheduledEventId, attempt: attempt, details: details)
            try record(.activityTaskHeartbeatRecorded(.init(scheduledEventId: scheduledEventId, attempt: attempt, details: details)), flush: true)
        }
    }

    func lastHeartbeatTime() -> Date? { lastHeartbeat }

    /// The details of the activity's latest heartbeat in this process, if any.
    func latestHeartbeatDetails(of scheduledEventId: Int) -> JSONValue? { heartbeatDetails[scheduledEventId] }

    // MARK: Timers

    func startTimer(duration: Duration) throws -> TimerProgress {
        if isLive { try checkRequests() }
        let seconds = duration.seconds
        if let started = try matchRecorded(
            "TimerStarted for \(seconds) s",
            matches: {
                if case .timerStarted(let a) = $0 { return a.durationSeconds == seconds }
                return false
            })
        {
            guard case .timerStarted(let recorded) = started.attributes else { preconditionFailure() }
            if let outcome = timerOutcomes[started.eventId] {
                advanceTime(to: outcome)
                if case .timerCanceled = outcome.attributes { throw CanceledError() }
                return TimerProgress(startedEventId: started.eventId, fireTime: recorded.fireTime, fired: true)
            }
            state.advance(to: state.now, replaying: false)
            return TimerProgress(startedEventId: started.eventId, fireTime: recorded.fireTime, fired: false)
        }
        if cancelRequested { throw CanceledError() }
        let now = Timestamp.truncated(configuration.clock())
        let fireTime = Timestamp.truncated(now.addingTimeInterval(seconds))
        let event = try record(.timerStarted(.init(durationSeconds: seconds, fireTime: fireTime)), flush: true)
        return TimerProgress(startedEventId: event.eventId, fireTime: fireTime, fired: false)
    }

    func fireTimer(_ timer: TimerProgress) throws {
        let event = try record(.timerFired(.init(startedEventId: timer.startedEventId)))
        state.advance(to: event.time, replaying: false)
    }

    func cancelTimer(_ timer: TimerProgress) throws {
        let event = try record(.timerCanceled(.init(startedEventId: timer.startedEventId)))
        state.advance(to: event.time, replaying: false)
    }

    // MARK: Parking and closing

    /// Leaves the run for a later invocation: everything durable, the wake-up time in the index.
    func park(until wakeUp: Date) throws -> Never {
        try flush()
        stop = .parked(wakeUp)
        updateIndex { try lease.setWakeUpTime(wakeUp) }
        configuration.log(
            LogRecord(
                level: .info, message: "run parked",
                metadata: [
                    "workflow_id": lease.run.workflowId, "wake_up": Timestamp.format(wakeUp),
                ]))
        throw RunStopped()
    }

    func close(_ attributes: EventAttributes) throws {
        try checkStopped()
        let event = try record(attributes, flush: true)
        updateIndex { try lease.markClosed(status: attributes.closingStatus ?? .failed, closeTime: event.time) }
        configuration.log(
            LogRecord(
                level: .debug, message: "run closed",
                metadata: [
                    "workflow_id": lease.run.workflowId, "status": (attributes.closingStatus ?? .failed).rawValue, "events": String(event.eventId),
                ]))
    }

    /// Repairs the index of a run found already closed (its process died before updating it).
    func repairIndexOfClosedRun() {
        guard let last = events.last, let status = last.attributes.closingStatus else { return }
        updateIndex { try lease.markClosed(status: status, closeTime: last.time) }
    }
}

/// Thrown through workflow code when the run must stop in this process (parked or
/// terminated); the engine ignores whatever the workflow does with it.
struct RunStopped: Error {}

/// Where an activity call stands: resolved, or which attempt comes next and when.
struct ActivityProgress: Sendable {
    var scheduledEventId: Int
    var activityType: String
    var input: JSONValue
    var options: ActivityOptions
    var scheduledTime: Date
    var nextAttempt: Int
    var notBefore: Date?
    var lastHeartbeatDetails: JSONValue?
    var resolution: Result<JSONValue, Error>?

    var scheduleToCloseDeadline: Date? {
        options.scheduleToCloseTimeout.map { scheduledTime.addingTimeInterval($0.seconds) }
    }
}

/// The attempt the run's watchdog looks after.
struct AttemptWatch: Sendable {
    enum Signal: Sendable, Equatable {
        case timedOut(TimeoutType)
        case cancelRequested
        case stopped
    }

    var scheduledEventId: Int
    var deadline: Date
    var deadlineType: TimeoutType
    var heartbeatTimeout: Duration?
    var cancel: @Sendable () -> Void
    var signal: Signal?
    var signaledAt: Date?
}

struct TimerProgress: Sendable {
    var startedEventId: Int
    var fireTime: Date
    var fired: Bool
}

import Foundation
import SignalRoomCore

/// One execution of one claimed run: drives the workflow's commands through the journal,
/// runs activity attempts under their timeouts and waits (or parks) between them.
final class RunExecution: Sendable {
    let journal: RunJournal
    let registry: WorkflowRegistry
    let configuration: EngineConfiguration
    let state: DeterministicState

    init(journal: RunJournal, registry: WorkflowRegistry, configuration: EngineConfiguration) {
        self.journal = journal
        self.registry = registry
        self.configuration = configuration
        self.state = journal.state
    }

    // MARK: Activities

    func executeActivity(type: String, input: JSONValue, options: ActivityOptions) async throws -> JSONValue {
        var progress = try await journal.scheduleActivity(type: type, input: input, options: options)
        while progress.resolution == nil {
            if await journal.cancelRequested {
                try await journal.recordCanceled(&progress, attempt: progress.nextAttempt - 1)
                break
            }
            if let notBefore = progress.notBefore {
                do {
                    try await wait(until: notBefore)
                } catch is CanceledError {
                    try await journal.recordCanceled(&progress, attempt: progress.nextAttempt - 1)
                    break
                }
            }
            if let limit = progress.scheduleToCloseDeadline, configuration.clock() >= limit {
                try await journal.recordFailedAttempt(
                    &progress, attempt: progress.nextAttempt,
                    failure: RunJournal.timeoutFailure(.scheduleToClose),
                    retryAfter: nil, timeout: .scheduleToClose)
                break
            }
            guard let attempt = try await journal.startAttempt(progress) else {
                try await journal.recordCanceled(&progress, attempt: progress.nextAttempt - 1)
                break
            }
            let outcome = await runAttempt(progress, attempt: attempt)
            if let details = await journal.latestHeartbeatDetails(of: progress.scheduledEventId) {
                progress.lastHeartbeatDetails = details
            }
            try await record(outcome, of: &progress, attempt: attempt)
        }
        return try progress.resolution!.get()
    }

    private func record(_ outcome: AttemptOutcome, of progress: inout ActivityProgress, attempt: Int) async throws {
        switch outcome {
        case .completed(let result):
            try await journal.recordCompletion(&progress, attempt: attempt, result: result)
        case .failed(let error):
            // A classified error may say how long to wait (a service's Retry-After).
            let retryAfter = (error as? RetryClassifiedError)?.retryAfter.map { Duration.milliseconds(Int64(($0 * 1000).rounded(.up))) }
            try await journal.recordFailedAttempt(
                &progress, attempt: attempt, failure: configuration.describe(error),
                retryAfter: retryAfter, timeout: nil)
        case .timedOut(let type):
            try await journal.recordFailedAttempt(
                &progress, attempt: attempt, failure: RunJournal.timeoutFailure(type),
                retryAfter: nil, timeout: type)
        case .canceled:
            try await journal.recordCanceled(&progress, attempt: attempt)
        case .stopped:
            throw RunStopped()
        }
    }

    enum AttemptOutcome: Sendable {
        case completed(JSONValue)
        case failed(Error)
        case timedOut(TimeoutType)
        case canceled
        case stopped
    }

    /// Runs one attempt under the run's watchdog. When the watchdog fires, the attempt is
    /// cancelled and awaited: an activity that ignores cancellation delays the next attempt
    /// until it returns.
    private func runAttempt(_ progress: ActivityProgress, attempt: Int) async -> AttemptOutcome {
        guard let body = registry.activities[progress.activityType] else {
            return .failed(
                ApplicationError(
                    "no activity named \(progress.activityType) is registered in this build",
                    type: "UnknownActivity", isNonRetryable: true))
        }
        let startTime = configuration.clock()
        var deadline = startTime.addingTimeInterval(progress.options.startToCloseTimeout.seconds)
        var deadlineType = TimeoutType.startToClose
        if let limit = progress.scheduleToCloseDeadline, limit < deadline {
            deadline = limit
            deadlineType = .scheduleToClose
        }
        let context = ActivityContext(
            info: .init(
                workflowId: journal.lease.run.workflowId, runId: journal.lease.run.runId,
                workflowType: journal.started.workflowType, activityType: progress.activityType,
                activityId: progress.scheduledEventId),
            attempt: attempt, deadline: deadline, lastHeartbeatDetails: progress.lastHeartbeatDetails, journal: journal)
        let input = progress.input
        // An unstructured task, so the run's watchdog can cancel this attempt alone. It notes
        // when the body returned: on a loaded machine the watchdog can look before this
        // function gets back to `endWatch`, and an attempt that had already finished by then
        // must not be recorded as timed out.
        let clock = configuration.clock
        let task = Task { () -> (Result<JSONValue, any Error>, Date) in
            do {
                let value = try await body(context, input)
                return (.success(value), clock())
            } catch {
                return (.failure(error), clock())
            }
        }
        await journal.beginWatch(
            AttemptWatch(
                scheduledEventId: progress.scheduledEventId, deadline: deadline, deadlineType: deadlineType,
                heartbeatTimeout: progress.options.heartbeatTimeout, cancel: { task.cancel() }))
        let (result, finishedAt) = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        // The first outcome stands: once the attempt has returned, the watchdog is done
        // with it, so a deadline passing a moment later cannot turn it into a timeout.
        let decided = await journal.endWatch()
        let attemptCameFirst = decided.map { finishedAt < $0.at } ?? true
        switch decided?.signal {
        case nil:
            return Self.outcome(of: result)
        case .timedOut where attemptCameFirst:
            return Self.outcome(of: result)
        case .timedOut(let type): return .timedOut(type)
        case .cancelRequested:
            if case .success(let value) = result { return .completed(value) }  // finished anyway: keep the work
            return .canceled
        case .stopped: return .stopped
        }
    }

    private static func outcome(of result: Result<JSONValue, any Error>) -> AttemptOutcome {
        switch result {
        case .success(let value): return .completed(value)
        case .failure(let error): return .failed(error)
        }
    }

    /// The run's one watchdog: until the workflow code is done, it enforces the running
    /// attempt's deadlines and notices cancel and terminate requests (see
    /// `RunJournal.watchTick`). One loop per run rather than a timer per attempt, because
    /// arming and cancelling a timer cost more than a quick activity.
    func watchAttempts() async {
        while !Task.isCancelled {
            let wait = await journal.watchTick()
            try? await Task.sleep(for: wait)
        }
    }

    // MARK: Timers and waits

    func sleep(for duration: Duration) async throws {
        let timer = try await journal.startTimer(duration: duration)
        if timer.fired { return }
        do {
            try await wait(until: timer.fireTime)
        } catch is CanceledError {
            try await journal.cancelTimer(timer)
            throw CanceledError()
        }
        try await journal.fireTimer(timer)
    }

    /// Waits in this process when the wait is short, else parks the run. Throws
    /// `CanceledError` if the workflow is cancelled meanwhile, `RunStopped` when parked or
    /// terminated.
    private func wait(until time: Date) async throws {
        while true {
            try await journal.checkRequests()
            if await journal.cancelRequested { throw CanceledError() }
            let left = time.timeIntervalSince(configuration.clock())
            if left <= 0 { return }
            if left > configuration.parkThreshold.seconds { try await journal.park(until: time) }
            try await journal.flush()
            try? await Task.sleep(for: .seconds(min(left, configuration.pollInterval.seconds)))
        }
    }
}

extension RunExecution.AttemptOutcome: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.canceled, .canceled), (.stopped, .stopped): true
        case (.timedOut(let a), .timedOut(let b)): a == b
        case (.completed(let a), .completed(let b)): a == b
        default: false
        }
    }
}

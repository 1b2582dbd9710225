import Foundation
import SignalRoomCore

/// Starts, resumes, cancels and terminates workflow runs over a history store.
///
/// Every method works from the durable history: a process may die at any point and the
/// next `resume` carries on from the last event written, without re-running completed
/// activities.
public struct WorkflowEngine: Sendable {
    public let store: any HistoryStore
    public let registry: WorkflowRegistry
    public let configuration: EngineConfiguration

    public init(store: any HistoryStore, registry: WorkflowRegistry, configuration: EngineConfiguration = EngineConfiguration()) {
        self.store = store
        self.registry = registry
        self.configuration = configuration
    }

    /// A run this process owns until `execute` finishes with it.
    public final class ClaimedRun: Sendable {
        public let lease: any RunLease
        init(lease: any RunLease) { self.lease = lease }
        public var run: RunReference { lease.run }
        deinit { lease.release() }
    }

    /// Creates a run (its `WorkflowExecutionStarted` event is durable on return).
    /// Throws `WorkflowStoreError.alreadyRunning` if the id has an open run. A scheduled
    /// run passes its `schedule` and fails with `alreadyUsed` if its id ever ran.
    public func start(
        workflowType: String, workflowId: String? = nil, input: JSONValue,
        schedule: ScheduleAttribution? = nil
    ) throws -> ClaimedRun {
        guard registry.hasWorkflow(workflowType) else { throw EngineError.unknownWorkflowType(workflowType, known: registry.workflowNames) }
        do {
            try registry.validateInput(input, forWorkflow: workflowType)
        } catch {
            throw EngineError.invalidInput(workflowType: workflowType, reason: EventLineCodec.describe(error))
        }
        let now = Timestamp.truncated(configuration.clock())
        let runId = RunReference.newRunId(at: now)
        let id = workflowId ?? "\(workflowType)-\(runId.suffix(12))"
        try WorkflowId.validate(id)
        var generator = SystemRandomNumberGenerator()
        let started = HistoryEvent(
            eventId: 1, time: now,
            attributes: .workflowExecutionStarted(
                .init(
                    workflowType: workflowType, workflowId: id, runId: runId, input: input,
                    randomSeed: generator.next(), identity: configuration.identity, historyFormat: 1, schedule: schedule)))
        let lease = try store.createRun(
            workflowId: id, workflowType: workflowType, runId: runId, started: started,
            onlyIfNeverUsed: schedule != nil)
        configuration.afterDurableAppend(1)
        return ClaimedRun(lease: lease)
    }

    /// Claims an existing run. Throws `runLocked` when another process is working on it.
    public func claim(_ run: RunReference) throws -> ClaimedRun {
        ClaimedRun(lease: try store.claim(run))
    }

    /// Replays the run and carries it on until it closes, parks or is terminated. A run
    /// that is already closed returns its recorded outcome without running anything.
    public func execute(_ claimed: ClaimedRun) async throws -> RunOutcome {
        try await CurrentRun.$reference.withValue(claimed.run) { try await executeClaimed(claimed) }
    }

    private func executeClaimed(_ claimed: ClaimedRun) async throws -> RunOutcome {
        defer { claimed.lease.release() }
        let journal = try RunJournal(lease: claimed.lease, configuration: configuration)
        if let closed = RunSummary(events: await journal.events), closed.status.isClosed {
            await journal.repairIndexOfClosedRun()
            return Self.outcome(of: closed)
        }
        do {
            // A terminate is applied even when this build no longer knows the workflow type.
            try await journal.checkRequests()
        } catch is RunStopped {
            if case .terminated(let reason) = await journal.stop { return .terminated(reason: reason) }
        }
        let started = journal.started
        guard let workflow = registry.workflows[started.workflowType] else {
            throw EngineError.unknownWorkflowType(started.workflowType, known: registry.workflowNames)
        }
        let execution = RunExecution(journal: journal, registry: registry, configuration: configuration)
        let context = WorkflowContext(
            info: .init(
                workflowId: started.workflowId, runId: started.runId,
                workflowType: started.workflowType, schedule: started.schedule),
            execution: execution)
        try claimed.lease.setWakeUpTime(nil)
        var result: Result<JSONValue, Error> = await withTaskGroup(of: Result<JSONValue, Error>?.self) { group in
            group.addTask {
                do {
                    let output = try await workflow.body(context, started.input)
                    try await journal.checkAllCommandsReplayed()
                    return .success(output)
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                await execution.watchAttempts()
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first ?? .failure(EngineError.internalInconsistency("the watchdog stopped before the workflow"))
        }
        // A failed write is not the workflow's failure: the run stays open, like after a crash.
        if let storageFailure = await journal.storageFailure { throw storageFailure }
        if let mismatch = await journal.nondeterminism { result = .failure(mismatch) }
        switch await journal.stop {
        case .parked(let time): return .parked(until: time)
        case .terminated(let reason): return .terminated(reason: reason)
        case nil: break
        }
        do {
            return try await close(journal, with: result)
        } catch is RunStopped {
            if case .terminated(let reason) = await journal.stop { return .terminated(reason: reason) }
            throw EngineError.internalInconsistency("run stopped without a reason")
        }
    }

    private func close(_ journal: RunJournal, with result: Result<JSONValue, Error>) async throws -> RunOutcome {
        try await journal.checkRequests()
        let cancelRequested = await journal.cancelRequested
        switch result {
        case .success(let output):
            try await journal.close(.workflowExecutionCompleted(.init(result: output)))
            return .completed(output)
        case .failure(let error) where error is CanceledError && cancelRequested:
            try await journal.close(.workflowExecutionCanceled(.init(reason: nil)))
            return .canceled
        case .failure(let error):
            let failure = configuration.describe(error)
            try await journal.close(.workflowExecutionFailed(.init(failure: failure)))
            return .failed(failure)
        }
    }

    /// The outcome a closed run's history records.
    public static func outcome(of summary: RunSummary) -> RunOutcome {
        switch summary.status {
        case .completed: .completed(summary.result ?? .null)
        case .failed: .failed(summary.failure ?? Failure(message: "failed", type: "Unknown"))
        case .canceled: .canceled
        case .terminated: .terminated(reason: summary.failure?.message ?? "terminated")
        case .running: .parked(until: summary.wakeUpTime ?? Date.distantPast)
        }
    }

    /// Asks for the run's cancellation. When no process owns the run, the request is
    /// recorded and the run is driven to its next step here (a parked run wakes up to be
    /// cancelled); otherwise the owner records it within one poll interval.
    public func cancel(workflowId: String, reason: String?) async throws -> ControlResult {
        let run = try store.currentRun(of: workflowId)
        let request = RunRequest(kind: .cancel, reason: reason, identity: configuration.identity, time: configuration.clock())
        return try await deliver(request, to: run)
    }

    /// Closes the run at once as terminated; its workflow code runs no further.
    public func terminate(workflowId: String, reason: String) async throws -> ControlResult {
        let run = try store.currentRun(of: workflowId)
        let request = RunRequest(kind: .terminate, reason: reason, identity: configuration.identity, time: configuration.clock())
        return try await deliver(request, to: run)
    }

    /// A damaged run cannot be replayed, but it can be closed: its history is set aside and
    /// what can still be read of it is closed as terminated, saying where the damaged file is.
    private func terminateDamaged(_ run: RunReference, damage: HistoryDamagedError, request: RunRequest) throws -> RunOutcome {
        var reason = ""
        _ = try store.closeDamagedRun(run) { readable, keptAt in
            reason = "\(request.reason ?? "terminated"); history damaged at line \(damage.line) (\(damage.reason)), kept as \(keptAt)"
            let time = max(Timestamp.truncated(configuration.clock()), readable.last?.time ?? .distantPast)
            return HistoryEvent(
                eventId: readable.count + 1, time: time,
                attributes: .workflowExecutionTerminated(.init(reason: reason, identity: request.identity)))
        }
        return .terminated(reason: reason)
    }

    public enum ControlResult: Sendable, Equatable {
        /// Applied here; the run ended with this outcome.
        case applied(RunReference, RunOutcome)
        /// Left for the process that owns the run.
        case requested(RunReference)
    }

    private func deliver(_ request: RunRequest, to run: RunReference) async throws -> ControlResult {
        let history: [HistoryEvent]
        do {
            history = try store.history(of: run)
        } catch let damage as HistoryDamagedError where request.kind == .terminate {
            return .applied(run, try terminateDamaged(run, damage: damage, request: request))
        }
        if let summary = RunSummary(events: history), summary.status.isClosed {
            throw WorkflowStoreError.alreadyClosed(workflowId: run.workflowId, runId: run.runId, status: summary.status.rawValue)
        }
        try store.post(request, to: run)
        // An owner that is about to park may have looked for requests just before this
        // one arrived; give it a moment to release the run, then apply the request here.
        for attempt in 0..<10 {
            do {
                return .applied(run, try await execute(try claim(run)))
            } catch WorkflowStoreError.runLocked {
                if attempt == 9 { break }
                try await Task.sleep(for: configuration.pollInterval)
            }
        }
        return .requested(run)
    }
}

/// Errors of the engine's own making, each saying what to do.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    case unknownWorkflowType(String, known: [String])
    case invalidInput(workflowType: String, reason: String)
    case internalInconsistency(String)

    public var description: String {
        switch self {
        case .unknownWorkflowType(let name, let known):
            "unknown workflow type \"\(name)\"; known types: \(known.joined(separator: ", "))"
        case .invalidInput(let type, let reason):
            "input for workflow \(type) is not valid: \(reason)"
        case .internalInconsistency(let detail):
            "internal error: \(detail); please report it"
        }
    }
}

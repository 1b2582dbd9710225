import Foundation

/// Where histories live and how runs are claimed. Files are the embedded default
/// (`FileHistoryStore`); a PostgreSQL store can take its place for several hosts.
///
/// Guarantees every implementation keeps: one open run per workflow id; a run is worked on
/// only through a `RunLease`, of which at most one exists at a time across all processes;
/// events appended through a lease are durable when `append` returns.
public protocol HistoryStore: Sendable {
    /// Creates a run with its first event and returns it claimed. Throws `alreadyRunning`
    /// when the id has an open run, and with `onlyIfNeverUsed` `alreadyUsed` when the id has
    /// any run at all: creating a scheduled run is the claim on its fire time, so a fire
    /// time whose run already finished must not run again.
    func createRun(
        workflowId: String, workflowType: String, runId: String, started: HistoryEvent,
        onlyIfNeverUsed: Bool
    ) throws -> any RunLease
    /// Claims an existing run. Throws `runLocked` when another process holds it.
    func claim(_ run: RunReference) throws -> any RunLease
    /// Reads a run's history without claiming it (a torn last line is left out).
    func history(of run: RunReference) throws -> [HistoryEvent]
    /// The open run of an id if there is one, else its newest closed run.
    func currentRun(of workflowId: String) throws -> RunReference
    /// How messages name a run's history: its file, or its rows in the database.
    func historyPlace(of run: RunReference) -> String
    /// Whether some process holds the run's lease right now.
    func isClaimed(_ run: RunReference) -> Bool
    func openRuns() throws -> [OpenRunEntry]
    func closedRuns() throws -> [ClosedRunEntry]
    /// The newest closed runs the query selects, newest first, at most `query.limit`: a page of
    /// `workflow list --limit 20` or of the console's runs without reading every run.
    func newestClosedRuns(_ query: ClosedRunQuery) throws -> [ClosedRunEntry]
    /// Leaves a cancel or terminate request for the run's owner.
    func post(_ request: RunRequest, to run: RunReference) throws
    func pendingRequest(for run: RunReference) -> RunRequest?
    /// Sets a damaged history aside for inspection and closes the run with `closing`, built
    /// from the events that can still be read and where the damaged copy is kept; returns
    /// that place. The run's id is free afterwards.
    func closeDamagedRun(_ run: RunReference, closing: ([HistoryEvent], _ keptAt: String) -> HistoryEvent) throws -> String
    /// Deletes closed runs that closed before `cutoff`; returns how many.
    func prune(closedBefore cutoff: Date) throws -> Int
    /// Rebuilds the open and closed indexes from the histories; returns the damaged ones.
    @discardableResult
    func rebuildIndex() throws -> [HistoryDamagedError]
}

extension HistoryStore {
    /// What the run was started with (type, input, schedule); nil when its history has no
    /// readable first event.
    public func started(_ run: RunReference) throws -> WorkflowExecutionStarted? {
        guard case .workflowExecutionStarted(let started)? = try history(of: run).first?.attributes else { return nil }
        return started
    }

    public func newestClosedRuns(limit: Int, workflowType: String?, statuses: Set<RunStatus>?) throws -> [ClosedRunEntry] {
        try newestClosedRuns(ClosedRunQuery(limit: limit, workflowType: workflowType, statuses: statuses))
    }

    public func createRun(workflowId: String, workflowType: String, runId: String, started: HistoryEvent) throws -> any RunLease {
        try createRun(workflowId: workflowId, workflowType: workflowType, runId: runId, started: started, onlyIfNeverUsed: false)
    }
}

/// Exclusive ownership of one run, held until `release()` or the death of the process.
public protocol RunLease: AnyObject, Sendable {
    var run: RunReference { get }
    /// The history as it stood when the lease was taken (a torn tail already removed).
    var events: [HistoryEvent] { get }
    /// Appends events and returns once they are on disk.
    func append(_ events: [HistoryEvent]) throws
    /// Records in the index when the run wants to be resumed (nil: runnable now).
    func setWakeUpTime(_ time: Date?) throws
    /// Moves the run from the open index to the closed one; call after appending its
    /// closing event.
    func markClosed(status: RunStatus, closeTime: Date) throws
    /// A cancel or terminate request another process left for this run, if any.
    func pendingRequest() -> RunRequest?
    func clearRequest(_ kind: RunRequest.Kind)
    func release()
}

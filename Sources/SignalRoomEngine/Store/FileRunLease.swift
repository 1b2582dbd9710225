import Foundation

/// The owner's handle on one run file: the `flock` on the file is the ownership.
final class FileRunLease: RunLease, @unchecked Sendable {
    // Used by one journal at a time (the engine's run actor), never concurrently.
    let store: FileHistoryStore
    let run: RunReference
    let workflowType: String
    private let file: PosixFile
    private(set) var events: [HistoryEvent]
    private var released = false
    /// File size after the last successful append.
    private var validLength: Int
    private var broken: Error?
    /// What the open index says now, to skip rewriting it when nothing changed.
    private var indexedWakeUpTime: Date??

    init(
        store: FileHistoryStore, run: RunReference, workflowType: String, file: consuming PosixFile, events: [HistoryEvent],
        indexedWakeUpTime: Date??
    ) {
        self.indexedWakeUpTime = indexedWakeUpTime
        self.validLength = file.size()
        self.store = store
        self.run = run
        self.workflowType = workflowType
        self.file = file
        self.events = events
    }

    /// Appends durably. A failed write is cut back to the last whole line, so the file
    /// never holds a torn line in its middle, and the lease refuses further appends.
    func append(_ newEvents: [HistoryEvent]) throws {
        if let broken { throw broken }
        guard !newEvents.isEmpty else { return }
        var data = Data()
        for event in newEvents { data.append(try EventLineCodec.encode(event)) }
        do {
            try file.append(data, durable: true)
        } catch {
            broken = error
            try? file.truncate(to: validLength)
            throw error
        }
        validLength += data.count
        events.append(contentsOf: newEvents)
    }

    func setWakeUpTime(_ time: Date?) throws {
        guard let started = events.first, indexedWakeUpTime != .some(time) else { return }
        indexedWakeUpTime = .some(time)
        try store.writeOpenEntry(
            OpenRunEntry(
                workflowId: run.workflowId, runId: run.runId, workflowType: workflowType,
                startTime: started.time, wakeUpTime: time))
    }

    func markClosed(status: RunStatus, closeTime: Date) throws {
        guard let started = events.first else { return }
        try store.recordClosed(
            ClosedRunEntry(
                workflowId: run.workflowId, runId: run.runId, workflowType: workflowType,
                status: status, startTime: started.time, closeTime: closeTime))
        clearRequest(.cancel)
        clearRequest(.terminate)
    }

    func pendingRequest() -> RunRequest? { store.pendingRequest(for: run) }

    func clearRequest(_ kind: RunRequest.Kind) { PosixFile.remove(store.requestPath(run, kind)) }

    func release() {
        guard !released else { return }
        released = true
        file.unlock()
    }

    deinit { release() }
}

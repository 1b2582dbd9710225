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
    /// What the open index says now, to skip rewriting it when nothing changed.
    private var indexedWakeUpTime: Date??

    init(store: FileHistoryStore, run: RunReference, workflowType: String, file: consuming PosixFile, events: [HistoryEvent],
         indexedWakeUpTime: Date??) {
        self.indexedWakeUpTime = indexedWakeUpTime
        self.store = store
        self.run = run
        self.workflowType = workflowType
        self.file = file
        self.events = events
    }

    func append(_ newEvents: [HistoryEvent]) throws {
        guard !newEvents.isEmpty else { return }
        var data = Data()
        for event in newEvents { data.append(try EventLineCodec.encode(event)) }
        try file.append(data, durable: true)
        events.append(contentsOf: newEvents)
    }

    func setWakeUpTime(_ time: Date?) throws {
        guard let started = events.first, indexedWakeUpTime != .some(time) else { return }
        indexedWakeUpTime = .some(time)
        try store.writeOpenEntry(OpenRunEntry(workflowId: run.workflowId, runId: run.runId, workflowType: workflowType,
                                              startTime: started.time, wakeUpTime: time))
    }

    func markClosed(status: RunStatus, closeTime: Date) throws {
        guard let started = events.first else { return }
        try store.recordClosed(ClosedRunEntry(workflowId: run.workflowId, runId: run.runId, workflowType: workflowType,
                                              status: status, startTime: started.time, closeTime: closeTime))
        clearRequest()
    }

    func pendingRequest() -> RunRequest? { store.pendingRequest(for: run) }

    func clearRequest() { PosixFile.remove(store.requestPath(run)) }

    func release() {
        guard !released else { return }
        released = true
        file.unlock()
    }

    deinit { release() }
}

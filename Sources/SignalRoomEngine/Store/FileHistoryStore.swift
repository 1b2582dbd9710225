import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
    import SignalRoomCore
#endif

/// Histories as files under a state directory:
///
/// ```
/// state/workflows/<workflow-id>/<run-id>.jsonl         one event per line (see HistoryEvent)
/// state/workflows/<workflow-id>/<run-id>.cancel.json   a pending cancel request
/// state/workflows/<workflow-id>/<run-id>.terminate.json a pending terminate request
/// state/workflows/<workflow-id>/.claim                 lock serialising run creation per id
/// state/index/open/<workflow-id>.json                  the id's open run and its wake-up time
/// state/index/closed/<YYYY-MM-DD>.jsonl                runs closed that day (UTC)
/// ```
///
/// The run's file is its lock: the owner holds an exclusive `flock` on it. The indexes are
/// caches that `rebuildIndex()` recreates from the histories.
public struct FileHistoryStore: HistoryStore {
    public let root: URL
    let workflowsPath: String
    let openIndexPath: String
    let closedIndexPath: String
    /// Told what the store repaired on its own (a missing index rebuilt), for the log.
    let notices: StoreNotices

    /// Uses the state directory at `root`. Nothing is created until the first run is
    /// (directories mode 0700), so reading a mistyped path leaves nothing behind.
    public init(root: URL, notices: StoreNotices = StoreNotices()) {
        self.init(root: root, indexPath: root.appendingPathComponent("index").path, notices: notices)
    }

    init(root: URL, indexPath: String, notices: StoreNotices = StoreNotices()) {
        self.root = root
        self.notices = notices
        workflowsPath = root.appendingPathComponent("workflows").path
        openIndexPath = indexPath + "/open"
        closedIndexPath = indexPath + "/closed"
    }

    func createDirectories() throws {
        if !PosixFile.exists(root.path) {
            do {
                // The parents as FileManager makes them, the state directory itself by
                // mkdir(0700): FileManager creates it 0777 less the umask and sets the mode
                // after, and a second process starting in between saw it open (and warned).
                try FileManager.default.createDirectory(at: root.deletingLastPathComponent(), withIntermediateDirectories: true)
                try PosixFile.makeDirectory(root.path)
            } catch {
                throw WorkflowStoreError.io(path: root.path, reason: "cannot create the state directory (\(error.localizedDescription))")
            }
        }
        // The index before the histories: a state directory with `workflows/` but no
        // `index/` is one whose index was lost (and is rebuilt), never one being created.
        for path in [root.appendingPathComponent("index").path, openIndexPath, closedIndexPath, workflowsPath] {
            try PosixFile.makeDirectory(path)
        }
    }

    func directory(of workflowId: String) -> String { workflowsPath + "/" + workflowId }
    public func historyPath(_ run: RunReference) -> String { directory(of: run.workflowId) + "/" + run.runId + ".jsonl" }

    public func historyPlace(of run: RunReference) -> String { historyPath(run) }
    func requestPath(_ run: RunReference, _ kind: RunRequest.Kind) -> String {
        directory(of: run.workflowId) + "/" + run.runId + "." + kind.rawValue + ".json"
    }
    func openEntryPath(_ workflowId: String) -> String { openIndexPath + "/" + workflowId + ".json" }

    public func createRun(
        workflowId: String, workflowType: String, runId: String, started: HistoryEvent,
        onlyIfNeverUsed: Bool
    ) throws -> any RunLease {
        try WorkflowId.validate(workflowId)
        try rebuildIndexIfMissing()
        try createDirectories()
        return try withClaimLock(workflowId) {
            if let existing = try openRunStillOpen(workflowId, repair: true) ?? openRunByHistory(workflowId) {
                if let damage = damage(of: existing.run) { throw damage }
                throw WorkflowStoreError.alreadyRunning(workflowId: workflowId, runId: existing.runId)
            }
            if onlyIfNeverUsed, let earlier = runIds(of: workflowId).last {
                throw WorkflowStoreError.alreadyUsed(workflowId: workflowId, runId: earlier)
            }
            // The index entry goes first: it is the claim `run-due` finds. A crash before the
            // history exists leaves an entry without a file, which is treated as absent.
            try writeOpenEntry(
                OpenRunEntry(
                    workflowId: workflowId, runId: runId, workflowType: workflowType,
                    startTime: started.time, wakeUpTime: nil))
            do {
                return try writeNewHistory(RunReference(workflowId: workflowId, runId: runId), workflowType: workflowType, started: started)
            } catch {
                PosixFile.remove(openEntryPath(workflowId))
                throw error
            }
        }
    }

    /// Writes and locks the first event under a hidden name, then renames the file into
    /// place (the lock stays with it), so no other process ever sees it empty or unlocked.
    private func writeNewHistory(_ run: RunReference, workflowType: String, started: HistoryEvent) throws -> any RunLease {
        let directory = directory(of: run.workflowId)
        let hidden = directory + "/.creating-" + run.runId
        do {
            let file = try PosixFile(path: hidden, mode: .createNew)
            _ = try file.lock(wait: false)
            try file.append(try EventLineCodec.encode(started), durable: true)
            guard rename(hidden, historyPath(run)) == 0 else { throw PosixFile.error(historyPath(run), "cannot create") }
            PosixFile.syncDirectory(directory)
            return FileRunLease(
                store: self, run: run, workflowType: workflowType, file: file, events: [started],
                indexedWakeUpTime: .some(nil))
        } catch {
            PosixFile.remove(hidden)
            throw error
        }
    }

    public func claim(_ run: RunReference) throws -> any RunLease {
        try WorkflowId.validate(run.workflowId)
        // The owner writes the run's index entry; the index must exist to hold it.
        try rebuildIndexIfMissing()
        let path = historyPath(run)
        guard PosixFile.exists(path) else { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
        let file = try PosixFile(path: path, mode: .readWrite)
        guard try file.lock(wait: false) else { throw WorkflowStoreError.runLocked(workflowId: run.workflowId, runId: run.runId) }
        // A previous owner killed while replacing the run's index entry left its temporary file.
        PosixFile.removeAbandonedTemporaries(in: openIndexPath, prefix: run.workflowId + ".json.tmp-")
        let decoded = try EventLineCodec.decode(try file.readAll(), path: path)
        if decoded.droppedTornTail { try file.truncate(to: decoded.validLength) }
        guard case .workflowExecutionStarted(let started)? = decoded.events.first?.attributes else {
            throw HistoryDamagedError(path: path, line: 1, reason: "the history does not begin with WorkflowExecutionStarted")
        }
        let indexed = readOpenEntry(run.workflowId).flatMap { $0.runId == run.runId ? Optional.some($0.wakeUpTime) : nil }
        return FileRunLease(
            store: self, run: run, workflowType: started.workflowType, file: file, events: decoded.events,
            indexedWakeUpTime: indexed)
    }

    public func history(of run: RunReference) throws -> [HistoryEvent] {
        try WorkflowId.validate(run.workflowId)
        let path = historyPath(run)
        guard PosixFile.exists(path) else { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
        return try EventLineCodec.decode(try PosixFile(path: path, mode: .readOnly).readAll(), path: path).events
    }

    public func currentRun(of workflowId: String) throws -> RunReference {
        try WorkflowId.validate(workflowId)
        try rebuildIndexIfMissing()
        if let open = try openRunStillOpen(workflowId, repair: false) { return open.run }
        guard let newest = runIds(of: workflowId).last else { throw WorkflowStoreError.notFound(workflowId: workflowId) }
        return RunReference(workflowId: workflowId, runId: newest)
    }

    /// Probes the run's lock. The probe holds it for an instant, so a process claiming at
    /// that instant may see it taken; claimers that must not miss (a detached start) retry.
    public func isClaimed(_ run: RunReference) -> Bool {
        guard let file = try? PosixFile(path: historyPath(run), mode: .readOnly) else { return false }
        guard let free = try? file.lock(wait: false) else { return false }
        if free { file.unlock() }
        return !free
    }

    /// The run ids of a workflow id, oldest first.
    func runIds(of workflowId: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(of: workflowId))) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }.sorted()
    }

    /// The id's open run according to the index, after checking its history is really
    /// open. With `repair` (only while holding the id's `.claim` lock) a stale entry is
    /// fixed: removed when its run never got a history, moved to the closed index when the
    /// run closed but its process died before saying so.
    func openRunStillOpen(_ workflowId: String, repair: Bool) throws -> OpenRunEntry? {
        guard let entry = readOpenEntry(workflowId) else { return nil }
        guard PosixFile.exists(historyPath(entry.run)) else {
            if repair { PosixFile.remove(openEntryPath(workflowId)) }
            return nil
        }
        // A damaged history still counts as open: it is never silently replaced.
        guard let events = try? history(of: entry.run) else { return entry }
        guard let summary = RunSummary(events: events), let closeTime = summary.closeTime else { return entry }
        if repair {
            try appendClosedLine(
                ClosedRunEntry(
                    workflowId: workflowId, runId: entry.runId, workflowType: summary.workflowType,
                    status: summary.status, startTime: summary.startTime, closeTime: closeTime),
                durable: true)
            PosixFile.remove(openEntryPath(workflowId))
        }
        return nil
    }

    /// The id's open run as its newest history says, for when the index has no entry (it
    /// was deleted or lost in a crash): the histories are the truth, the index a cache. Only
    /// the newest run can be open, since a run is created only once the previous one closed.
    /// Reads the history's last line, or the whole history when that line cannot tell.
    func openRunByHistory(_ workflowId: String) throws -> OpenRunEntry? {
        guard let newest = runIds(of: workflowId).last else { return nil }
        let run = RunReference(workflowId: workflowId, runId: newest)
        let path = historyPath(run)
        let file = try PosixFile(path: path, mode: .readOnly)
        if EventLineCodec.lastEvent(try file.readTail(16 * 1024))?.attributes.closingStatus != nil { return nil }
        let (events, damage) = EventLineCodec.decodeReadablePrefix(try file.readAll(), path: path)
        guard let summary = RunSummary(events: events) else {
            // Not even its first event is readable: open, for a person to look at.
            return OpenRunEntry(
                workflowId: workflowId, runId: newest, workflowType: "unknown",
                startTime: PosixFile.modificationTime(path) ?? Date(), wakeUpTime: nil)
        }
        if summary.closeTime != nil, damage == nil { return nil }
        let entry = OpenRunEntry(
            workflowId: workflowId, runId: newest, workflowType: summary.workflowType,
            startTime: summary.startTime, wakeUpTime: summary.wakeUpTime)
        try writeOpenEntry(entry)
        return entry
    }

    /// The run's history damage, if its history cannot be read.
    func damage(of run: RunReference) -> HistoryDamagedError? {
        do {
            _ = try history(of: run)
            return nil
        } catch {
            return error as? HistoryDamagedError
        }
    }

    /// Moves a damaged history aside to `<run-id>.jsonl.damaged-<time>` (kept for a person
    /// to inspect) and gives the run a new history: the events that can still be read plus
    /// `closing`. The id is free afterwards. A history whose first line is unreadable gets
    /// no new history; the run is then gone but for the file kept aside.
    public func closeDamagedRun(_ run: RunReference, closing: ([HistoryEvent], _ keptAt: String) -> HistoryEvent) throws -> String {
        try WorkflowId.validate(run.workflowId)
        return try withClaimLock(run.workflowId) {
            let path = historyPath(run)
            guard PosixFile.exists(path) else { throw WorkflowStoreError.runNotFound(workflowId: run.workflowId, runId: run.runId) }
            let file = try PosixFile(path: path, mode: .readWrite)
            guard try file.lock(wait: false) else { throw WorkflowStoreError.runLocked(workflowId: run.workflowId, runId: run.runId) }
            let (readable, damage) = EventLineCodec.decodeReadablePrefix(try file.readAll(), path: path)
            guard damage != nil else { throw WorkflowStoreError.notDamaged(workflowId: run.workflowId, runId: run.runId) }
            let keptAt = path + ".damaged-" + Timestamp.format(Date()).filter { $0.isNumber }
            guard rename(path, keptAt) == 0 else { throw PosixFile.error(path, "cannot move the damaged history aside") }
            PosixFile.syncDirectory(directory(of: run.workflowId))
            if case .workflowExecutionStarted(let started)? = readable.first?.attributes {
                let last = closing(readable, keptAt)
                let hidden = directory(of: run.workflowId) + "/.creating-" + run.runId
                let replacement = try PosixFile(path: hidden, mode: .createNew)
                var data = Data()
                for event in readable + [last] { data.append(try EventLineCodec.encode(event)) }
                try replacement.append(data, durable: true)
                guard rename(hidden, path) == 0 else { throw PosixFile.error(path, "cannot create") }
                PosixFile.syncDirectory(directory(of: run.workflowId))
                if let status = last.attributes.closingStatus {
                    try appendClosedLine(
                        ClosedRunEntry(
                            workflowId: run.workflowId, runId: run.runId, workflowType: started.workflowType,
                            status: status, startTime: readable[0].time, closeTime: last.time),
                        durable: true)
                }
            }
            if readOpenEntry(run.workflowId)?.runId == run.runId { PosixFile.remove(openEntryPath(run.workflowId)) }
            return keptAt
        }
    }

    /// Runs `body` holding the id's `.claim` lock, which serialises every change of the
    /// id's open-index entry (start, close, repair).
    func withClaimLock<T>(_ workflowId: String, _ body: () throws -> T) throws -> T {
        let directory = directory(of: workflowId)
        try PosixFile.makeDirectory(directory)
        let claim = try PosixFile(path: directory + "/.claim", mode: .createOrOpen)
        _ = try claim.lock(wait: true)
        defer { claim.unlock() }
        return try body()
    }

    /// One file per kind, so a terminate posted while the owner consumes a cancel is
    /// never deleted with it.
    public func post(_ request: RunRequest, to run: RunReference) throws {
        try PosixFile.replaceAtomically(requestPath(run, request.kind), with: try JSONCoding.encoder.encode(request), durable: true)
    }

    /// A pending terminate, else a pending cancel.
    public func pendingRequest(for run: RunReference) -> RunRequest? {
        for kind in [RunRequest.Kind.terminate, .cancel] {
            let path = requestPath(run, kind)
            guard PosixFile.exists(path), let file = try? PosixFile(path: path, mode: .readOnly),
                let data = try? file.readAll(), let request = try? JSONCoding.decoder.decode(RunRequest.self, from: data)
            else { continue }
            return request
        }
        return nil
    }
}

import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
    import SignalRoomCore
#endif

/// The open-runs and closed-runs indexes: small files that let `run-due` and
/// `workflow list` work without reading histories. Everything here can be rebuilt.
extension FileHistoryStore {
    func writeOpenEntry(_ entry: OpenRunEntry) throws {
        try PosixFile.replaceAtomically(openEntryPath(entry.workflowId), with: try JSONCoding.encoder.encode(entry), durable: true)
    }

    func readOpenEntry(_ workflowId: String) -> OpenRunEntry? {
        guard let file = try? PosixFile(path: openEntryPath(workflowId), mode: .readOnly),
            let data = try? file.readAll()
        else { return nil }
        return try? JSONCoding.decoder.decode(OpenRunEntry.self, from: data)
    }

    /// The open runs. An entry that cannot be read (damaged, or cut short by a crash) is
    /// rebuilt from its id's histories instead of being left out, and temporary files of
    /// writers that died mid-write are removed.
    public func openRuns() throws -> [OpenRunEntry] {
        try rebuildIndexIfMissing()
        guard PosixFile.exists(openIndexPath) else { return [] }
        PosixFile.removeAbandonedTemporaries(in: openIndexPath)
        let names = try FileManager.default.contentsOfDirectory(atPath: openIndexPath)
        var entries: [OpenRunEntry] = []
        for name in names where name.hasSuffix(".json") {
            let workflowId = String(name.dropLast(5))
            guard (try? WorkflowId.validate(workflowId)) != nil else { continue }  // not ours
            if let entry = readOpenEntry(workflowId) {
                entries.append(entry)
            } else if let rebuilt = try withClaimLock(
                workflowId,
                { () throws -> OpenRunEntry? in
                    PosixFile.remove(openEntryPath(workflowId))
                    return try openRunByHistory(workflowId)
                })
            {
                entries.append(rebuilt)
            }
        }
        return entries.filter { PosixFile.exists(historyPath($0.run)) }.sorted { $0.startTime < $1.startTime }
    }

    public func closedRuns() throws -> [ClosedRunEntry] {
        try rebuildIndexIfMissing()
        var latest: [RunReference: ClosedRunEntry] = [:]
        for name in try closedIndexFiles() {
            let data = try PosixFile(path: closedIndexPath + "/" + name, mode: .readOnly).readAll()
            for line in data.split(separator: 0x0A) {
                if let entry = try? JSONCoding.decoder.decode(ClosedRunEntry.self, from: Data(line)) {
                    latest[entry.run] = entry
                }
            }
        }
        return latest.values.filter { PosixFile.exists(historyPath($0.run)) }
            .sorted { ($0.startTime, $0.runId) < ($1.startTime, $1.runId) }
    }

    func closedIndexFiles() throws -> [String] {
        guard PosixFile.exists(closedIndexPath) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: closedIndexPath).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    /// Moves a closed run from the open index to the closed one. The open entry is removed
    /// only if it still names this run: a new run of the id may already own it.
    func recordClosed(_ entry: ClosedRunEntry) throws {
        try appendClosedLine(entry, durable: true)
        try withClaimLock(entry.workflowId) {
            if readOpenEntry(entry.workflowId)?.runId == entry.runId { PosixFile.remove(openEntryPath(entry.workflowId)) }
        }
    }

    func appendClosedLine(_ entry: ClosedRunEntry, durable: Bool) throws {
        var line = try JSONCoding.encoder.encode(entry)
        line.append(0x0A)
        let day = String(Timestamp.format(entry.closeTime).prefix(10))
        try PosixFile(path: closedIndexPath + "/" + day + ".jsonl", mode: .appendOnly).append(line, durable: durable)
    }

    /// Deletes exactly the runs that closed before `cutoff`. Day files wholly before the
    /// cutoff's day go with their runs; in the cutoff's own day only the earlier runs go and
    /// the file keeps their lines (with a retention under a day it is still being appended
    /// to, and rewriting it could lose a line written meanwhile); `closedRuns()` skips lines
    /// whose history is gone.
    public func prune(closedBefore cutoff: Date) throws -> Int {
        let cutoffDay = String(Timestamp.format(cutoff).prefix(10))
        var pruned = 0
        for name in try closedIndexFiles() where String(name.prefix(10)) <= cutoffDay {
            let path = closedIndexPath + "/" + name
            let wholeDay = String(name.prefix(10)) < cutoffDay
            let data = try PosixFile(path: path, mode: .readOnly).readAll()
            for line in data.split(separator: 0x0A) {
                guard let entry = try? JSONCoding.decoder.decode(ClosedRunEntry.self, from: Data(line)),
                    wholeDay || entry.closeTime < cutoff
                else { continue }
                guard PosixFile.exists(historyPath(entry.run)) else { continue }
                PosixFile.remove(historyPath(entry.run))
                PosixFile.remove(logPath(entry.run))
                PosixFile.remove(requestPath(entry.run, .cancel))
                PosixFile.remove(requestPath(entry.run, .terminate))
                pruned += 1
                let directory = directory(of: entry.workflowId)
                if runIds(of: entry.workflowId).isEmpty, readOpenEntry(entry.workflowId) == nil {
                    PosixFile.remove(directory + "/.claim")
                    rmdir(directory)
                }
            }
            if wholeDay { PosixFile.remove(path) }
        }
        return pruned
    }

    /// Rebuilds both indexes from the histories. A damaged history is indexed as far as it
    /// can be read (open unless its last line closes it, so its id stays taken until someone
    /// restores or terminates it) and returned, so the caller can name it.
    @discardableResult
    public func rebuildIndex() throws -> [HistoryDamagedError] {
        try createDirectories()
        let (open, closed, damaged) = try indexEntriesFromHistories()
        for name in try FileManager.default.contentsOfDirectory(atPath: openIndexPath) {
            PosixFile.remove(openIndexPath + "/" + name)
        }
        for name in try closedIndexFiles() { PosixFile.remove(closedIndexPath + "/" + name) }
        try write(open: open, closed: closed)
        return damaged
    }

    /// A state directory with histories but no `index/` (deleted by hand, or lost with a
    /// disk) gets its index rebuilt before anything reads it, so that `run-due` never sees
    /// an empty index where runs are open. The new index is built aside and renamed into
    /// place, so a crash midway leaves no partial index that would pass for whole.
    func rebuildIndexIfMissing() throws {
        let indexPath = root.appendingPathComponent("index").path
        guard !PosixFile.exists(indexPath), PosixFile.exists(workflowsPath) else { return }
        let lock = try PosixFile(path: root.appendingPathComponent(".index-rebuild").path, mode: .createOrOpen)
        _ = try lock.lock(wait: true)
        defer { lock.unlock() }
        guard !PosixFile.exists(indexPath) else { return }
        let (open, closed, damaged) = try indexEntriesFromHistories()
        let building = root.appendingPathComponent(".index-building").path
        try? FileManager.default.removeItem(atPath: building)
        let aside = FileHistoryStore(root: root, indexPath: building)
        for path in [building, aside.openIndexPath, aside.closedIndexPath] { try PosixFile.makeDirectory(path) }
        try aside.write(open: open, closed: closed)
        PosixFile.syncDirectory(aside.openIndexPath)
        PosixFile.syncDirectory(aside.closedIndexPath)
        guard rename(building, indexPath) == 0 else { throw PosixFile.error(indexPath, "cannot put the rebuilt index in place") }
        PosixFile.syncDirectory(root.path)
        notices.indexRebuilt(root.path, open.count, closed.count, damaged)
    }

    private func write(open: [OpenRunEntry], closed: [ClosedRunEntry]) throws {
        for entry in open { try writeOpenEntry(entry) }
        for entry in closed.sorted(by: { $0.closeTime < $1.closeTime }) {
            try appendClosedLine(entry, durable: false)
        }
    }

    private func indexEntriesFromHistories() throws -> ([OpenRunEntry], [ClosedRunEntry], [HistoryDamagedError]) {
        var open: [OpenRunEntry] = []
        var closed: [ClosedRunEntry] = []
        var damaged: [HistoryDamagedError] = []
        guard PosixFile.exists(workflowsPath) else { return ([], [], []) }
        let ids = try FileManager.default.contentsOfDirectory(atPath: workflowsPath).filter { !$0.hasPrefix(".") }.sorted()
        for workflowId in ids {
            for runId in runIds(of: workflowId) {
                let run = RunReference(workflowId: workflowId, runId: runId)
                let path = historyPath(run)
                let data = try PosixFile(path: path, mode: .readOnly).readAll()
                let (events, damage) = EventLineCodec.decodeReadablePrefix(data, path: path)
                if let damage { damaged.append(damage) }
                var summary = RunSummary(events: events)
                if damage != nil, let last = EventLineCodec.lastEvent(data), let status = last.attributes.closingStatus {
                    summary?.status = status
                    summary?.closeTime = last.time
                }
                guard let summary else {
                    open.append(
                        OpenRunEntry(
                            workflowId: workflowId, runId: runId, workflowType: "unknown",
                            startTime: PosixFile.modificationTime(path) ?? Date(), wakeUpTime: nil))
                    continue
                }
                if let closeTime = summary.closeTime {
                    closed.append(
                        ClosedRunEntry(
                            workflowId: workflowId, runId: runId, workflowType: summary.workflowType,
                            status: summary.status, startTime: summary.startTime, closeTime: closeTime))
                } else {
                    open.append(
                        OpenRunEntry(
                            workflowId: workflowId, runId: runId, workflowType: summary.workflowType,
                            startTime: summary.startTime, wakeUpTime: damage == nil ? summary.wakeUpTime : nil))
                }
            }
        }
        return (open, closed, damaged)
    }
}

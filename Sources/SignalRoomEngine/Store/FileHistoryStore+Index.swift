import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The open-runs and closed-runs indexes: small files that let `run-due` and
/// `workflow list` work without reading histories. Everything here can be rebuilt.
extension FileHistoryStore {
    func writeOpenEntry(_ entry: OpenRunEntry) throws {
        try PosixFile.replaceAtomically(openEntryPath(entry.workflowId), with: try JSONCoding.encoder.encode(entry), durable: true)
    }

    func readOpenEntry(_ workflowId: String) -> OpenRunEntry? {
        guard let file = try? PosixFile(path: openEntryPath(workflowId), mode: .readOnly),
              let data = try? file.readAll() else { return nil }
        return try? JSONCoding.decoder.decode(OpenRunEntry.self, from: data)
    }

    public func openRuns() throws -> [OpenRunEntry] {
        guard PosixFile.exists(openIndexPath) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: openIndexPath)
        return names.filter { $0.hasSuffix(".json") }
            .compactMap { readOpenEntry(String($0.dropLast(5))) }
            .filter { PosixFile.exists(historyPath($0.run)) }
            .sorted { $0.startTime < $1.startTime }
    }

    public func closedRuns() throws -> [ClosedRunEntry] {
        var latest: [RunReference: ClosedRunEntry] = [:]
        for name in try closedIndexFiles() {
            let data = try PosixFile(path: closedIndexPath + "/" + name, mode: .readOnly).readAll()
            for line in data.split(separator: 0x0A) {
                if let entry = try? JSONCoding.decoder.decode(ClosedRunEntry.self, from: Data(line)) {
                    latest[entry.run] = entry
                }
            }
        }
        return latest.values.sorted { ($0.startTime, $0.runId) < ($1.startTime, $1.runId) }
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

    public func prune(closedBefore cutoff: Date) throws -> Int {
        let cutoffDay = String(Timestamp.format(cutoff).prefix(10))
        var pruned = 0
        // Whole days strictly before the cutoff's day; the cutoff day itself waits a day.
        for name in try closedIndexFiles() where String(name.prefix(10)) < cutoffDay {
            let path = closedIndexPath + "/" + name
            let data = try PosixFile(path: path, mode: .readOnly).readAll()
            for line in data.split(separator: 0x0A) {
                guard let entry = try? JSONCoding.decoder.decode(ClosedRunEntry.self, from: Data(line)) else { continue }
                PosixFile.remove(historyPath(entry.run))
                PosixFile.remove(requestPath(entry.run, .cancel))
                PosixFile.remove(requestPath(entry.run, .terminate))
                pruned += 1
                let directory = directory(of: entry.workflowId)
                if runIds(of: entry.workflowId).isEmpty, readOpenEntry(entry.workflowId) == nil {
                    PosixFile.remove(directory + "/.claim")
                    rmdir(directory)
                }
            }
            PosixFile.remove(path)
        }
        return pruned
    }

    public func rebuildIndex() throws {
        try createDirectories()
        var open: [OpenRunEntry] = []
        var closed: [ClosedRunEntry] = []
        let ids = try FileManager.default.contentsOfDirectory(atPath: workflowsPath).filter { !$0.hasPrefix(".") }
        for workflowId in ids {
            for runId in runIds(of: workflowId) {
                let run = RunReference(workflowId: workflowId, runId: runId)
                guard let events = try? history(of: run), let summary = RunSummary(events: events) else { continue }
                if let closeTime = summary.closeTime {
                    closed.append(ClosedRunEntry(workflowId: workflowId, runId: runId, workflowType: summary.workflowType,
                                                 status: summary.status, startTime: summary.startTime, closeTime: closeTime))
                } else {
                    open.append(OpenRunEntry(workflowId: workflowId, runId: runId, workflowType: summary.workflowType,
                                             startTime: summary.startTime, wakeUpTime: summary.wakeUpTime))
                }
            }
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: openIndexPath) {
            PosixFile.remove(openIndexPath + "/" + name)
        }
        for name in try closedIndexFiles() { PosixFile.remove(closedIndexPath + "/" + name) }
        for entry in open { try writeOpenEntry(entry) }
        for entry in closed.sorted(by: { $0.closeTime < $1.closeTime }) {
            try appendClosedLine(entry, durable: false)
        }
    }
}

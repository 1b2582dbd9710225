import Foundation
import SignalRoomCore

/// A page of the newest closed runs without reading the whole closed index.
///
/// The index is one file per close day, appended to as runs close, so read backwards it
/// yields runs by falling close time; a run starts before it closes, so once the close times
/// fall behind the start of the page's oldest run, no run still unread can be newer than it
/// and the scan stops. A day holding 1,440 runs of a per-minute schedule is read from its end
/// and left after a page's worth of lines (measured in bench/README.md: `workflow list
/// --limit 20` over 100,000 runs).
extension FileHistoryStore {
    /// How far a line's close time may trail one appended before it: processes append their
    /// line after their closing event is durable, so two closing at once can land in either
    /// order. A minute covers any stall short of a stopped process.
    static let closeOrderSlack: TimeInterval = 60

    public func newestClosedRuns(_ query: ClosedRunQuery) throws -> [ClosedRunEntry] {
        guard query.limit > 0 else { return [] }
        if let statuses = query.statuses, statuses.isEmpty { return [] }
        try rebuildIndexIfMissing()
        var page: [ClosedRunEntry] = []
        var seen = Set<RunReference>()
        /// No unread run can sort into a full page once the lines' close times are this old.
        func isDone(closedBy closeTime: Date) -> Bool {
            if let from = query.startedFrom, closeTime.addingTimeInterval(Self.closeOrderSlack) < from { return true }
            guard page.count == query.limit, let oldest = page.last else { return false }
            return closeTime.addingTimeInterval(Self.closeOrderSlack) < oldest.startTime
        }
        for name in try closedIndexFiles().reversed() {
            if let dayEnd = Timestamp.parse(String(name.prefix(10)) + "T00:00:00Z")?.addingTimeInterval(86_400),
                isDone(closedBy: dayEnd)
            {
                break
            }
            let data = try PosixFile(path: closedIndexPath + "/" + name, mode: .readOnly).readAll()
            var finished = false
            for line in data.split(separator: 0x0A).reversed() {
                guard let entry = ClosedRunEntry(indexLine: line) else { continue }
                if isDone(closedBy: entry.closeTime) {
                    finished = true
                    break
                }
                // The last line of a run wins, as in `closedRuns()`.
                guard seen.insert(entry.run).inserted, query.matches(entry) else { continue }
                if page.count == query.limit, let oldest = page.last, !ClosedRunQuery.newerFirst(entry, oldest) { continue }
                // A pruned run's line can outlive its history in the cutoff's day.
                guard PosixFile.exists(historyPath(entry.run)) else { continue }
                let index = page.firstIndex { ClosedRunQuery.newerFirst(entry, $0) } ?? page.endIndex
                page.insert(entry, at: index)
                if page.count > query.limit { page.removeLast() }
            }
            if finished { break }
        }
        return page
    }
}

extension ClosedRunEntry {
    /// One line of the closed index, read with the project's parser rather than `JSONDecoder`
    /// (8.5 µs a line, see `JSONParser`), since a page may have to read many lines.
    init?(indexLine line: Data.SubSequence) {
        guard case .object(let fields)? = try? JSONValue(parsing: Data(line)),
            case .string(let workflowId)? = fields["workflowId"], case .string(let runId)? = fields["runId"],
            case .string(let workflowType)? = fields["workflowType"],
            case .string(let statusText)? = fields["status"], let status = RunStatus(rawValue: statusText),
            case .string(let startText)? = fields["startTime"], let startTime = Timestamp.parse(startText),
            case .string(let closeText)? = fields["closeTime"], let closeTime = Timestamp.parse(closeText)
        else { return nil }
        self.init(
            workflowId: workflowId, runId: runId, workflowType: workflowType, status: status, startTime: startTime,
            closeTime: closeTime)
    }
}

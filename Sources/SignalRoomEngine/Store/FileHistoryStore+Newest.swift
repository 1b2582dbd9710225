#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Foundation
import SignalRoomCore

/// A page of the newest closed runs without reading the whole closed index.
///
/// The index is one file per close day, appended to as runs close, so read backwards it
/// yields runs by falling close time; a run starts before it closes, so once the close times
/// fall behind the start of the page's oldest run, no run still unread can be newer than it
/// and the scan stops. A day of 3,600 runs is read from its end and left after a page's worth
/// of lines (bench/console: the first page over 100,000 runs).
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
        // Run ids are unique across workflow ids (random version 7 UUIDs).
        var seen = Set<String>()
        let filter = IndexLineFilter(query)
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
            Self.forEachLineBackwards(data) { line in
                // The last line of a run wins, as in `closedRuns()`.
                guard let runId = IndexLineFilter.runId(line), seen.insert(runId).inserted, filter.mayMatch(line),
                    let entry = ClosedRunEntry(indexLine: Data(line))
                else { return true }
                if isDone(closedBy: entry.closeTime) {
                    finished = true
                    return false
                }
                guard query.matches(entry) else { return true }
                if page.count == query.limit, let oldest = page.last, !ClosedRunQuery.newerFirst(entry, oldest) { return true }
                // A pruned run's line can outlive its history in the cutoff's day.
                guard PosixFile.exists(historyPath(entry.run)) else { return true }
                let index = page.firstIndex { ClosedRunQuery.newerFirst(entry, $0) } ?? page.endIndex
                page.insert(entry, at: index)
                if page.count > query.limit { page.removeLast() }
                return true
            }
            if finished { break }
        }
        return page
    }

    /// Calls `body` with each line of `data`, last first, until it returns false. Over the raw
    /// bytes: `Data.split` spent 70 % of a runs page in exclusivity checks per byte (perf,
    /// bench/console).
    static func forEachLineBackwards(_ data: Data, _ body: (UnsafeRawBufferPointer) -> Bool) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var end = raw.count
            var index = raw.count
            while index > 0 {
                index -= 1
                guard raw[index] == 0x0A else { continue }
                if end > index + 1, !body(UnsafeRawBufferPointer(rebasing: raw[(index + 1)..<end])) { return }
                end = index
            }
            if end > 0 { _ = body(UnsafeRawBufferPointer(rebasing: raw[0..<end])) }
        }
    }
}

/// What can be told of a closed-index line from its bytes, before parsing it: its run id,
/// and whether a status, type or id the query asks for is there at all, so that a filter few
/// runs match does not parse every line. A line that may match is parsed and checked in full.
struct IndexLineFilter {
    private let statuses: [[UInt8]]?
    private let workflowType: [UInt8]?
    private let idText: [UInt8]?

    init(_ query: ClosedRunQuery) {
        statuses = query.statuses.map { $0.map { Array("\"status\":\"\($0.rawValue)\"".utf8) } }
        // A type that would be escaped in JSON is left to the full check.
        workflowType = query.workflowType.flatMap { type in
            type.contains("\"") || type.contains("\\") ? nil : Array("\"workflowType\":\"\(type)\"".utf8)
        }
        // Ids are plain ASCII, written into the line as they are.
        idText = query.idContains.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    func mayMatch(_ line: UnsafeRawBufferPointer) -> Bool {
        if let statuses, !statuses.contains(where: { Self.contains(line, $0) }) { return false }
        if let workflowType, !Self.contains(line, workflowType) { return false }
        if let idText, !Self.contains(line, idText) { return false }
        return true
    }

    private static let runIdKey = Array("\"runId\":\"".utf8)

    static func runId(_ line: UnsafeRawBufferPointer) -> String? {
        guard let base = line.baseAddress, let start = find(line, runIdKey) else { return nil }
        let from = start + runIdKey.count
        guard let end = (from..<line.count).first(where: { line[$0] == 0x22 }) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: base + from, count: end - from), as: UTF8.self)
    }

    private static func contains(_ line: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool { find(line, needle) != nil }

    /// The offset of `needle` in `line`: `memchr` to each candidate first byte, then `memcmp`
    /// (Glibc's `memmem` is not imported into Swift).
    private static func find(_ line: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Int? {
        guard let base = line.baseAddress, let first = needle.first, needle.count <= line.count else { return nil }
        return needle.withUnsafeBytes { pattern -> Int? in
            var offset = 0
            while offset + needle.count <= line.count {
                guard let hit = memchr(base + offset, Int32(first), line.count - needle.count - offset + 1) else { return nil }
                let position = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + position, pattern.baseAddress!, needle.count) == 0 { return position }
                offset = position + 1
            }
            return nil
        }
    }
}

extension ClosedRunEntry {
    /// One line of the closed index, read with the project's parser rather than `JSONDecoder`
    /// (8.5 µs a line, see `JSONParser`), since a page may have to read many lines.
    init?(indexLine line: Data) {
        guard case .object(let fields)? = try? JSONValue(parsing: line),
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

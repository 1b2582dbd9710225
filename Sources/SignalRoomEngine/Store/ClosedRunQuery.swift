import Foundation

/// Which closed runs a listing wants, newest first (by start time, then run id): what
/// `workflow list --limit` and the console's runs page ask a store for, so that a store can
/// answer from an index without reading every run.
public struct ClosedRunQuery: Sendable, Hashable {
    public var limit: Int
    public var workflowType: String?
    /// nil: any closed status.
    public var statuses: Set<RunStatus>?
    /// Only workflow ids that contain this text.
    public var idContains: String?
    /// Only the runs a schedule started: ids `<schedule-id>-<fire time>`.
    public var scheduleId: String?
    /// Started at or after this instant.
    public var startedFrom: Date?
    /// Started before this instant.
    public var startedBefore: Date?
    /// The next page: only runs that sort after this one (older, or as old with a smaller run id).
    public var after: Position?

    /// Where a page ended: its last run's start time and run id.
    public struct Position: Sendable, Hashable {
        public var startTime: Date
        public var runId: String
        public init(startTime: Date, runId: String) {
            self.startTime = startTime
            self.runId = runId
        }
    }

    public init(
        limit: Int, workflowType: String? = nil, statuses: Set<RunStatus>? = nil, idContains: String? = nil,
        scheduleId: String? = nil, startedFrom: Date? = nil, startedBefore: Date? = nil, after: Position? = nil
    ) {
        self.limit = limit
        self.workflowType = workflowType
        self.statuses = statuses
        self.idContains = idContains
        self.scheduleId = scheduleId
        self.startedFrom = startedFrom
        self.startedBefore = startedBefore
        self.after = after
    }

    /// The length of a fire time in a scheduled run's id (`2026-12-03T06:00:00Z`).
    public static let fireTimeSuffixLength = 20

    public func matches(_ entry: ClosedRunEntry) -> Bool {
        if let workflowType, entry.workflowType != workflowType { return false }
        if let statuses, !statuses.contains(entry.status) { return false }
        if let idContains, !idContains.isEmpty, !entry.workflowId.contains(idContains) { return false }
        if let scheduleId, !Self.isRun(entry.workflowId, ofSchedule: scheduleId) { return false }
        if let startedFrom, entry.startTime < startedFrom { return false }
        if let startedBefore, entry.startTime >= startedBefore { return false }
        if let after, !Self.sortsBefore(after, entry) { return false }
        return true
    }

    /// Whether `workflowId` is `<scheduleId>-<fire time>` (so schedule `daily` does not claim
    /// the runs of schedule `daily-sync`).
    public static func isRun(_ workflowId: String, ofSchedule scheduleId: String) -> Bool {
        let prefix = scheduleId + "-"
        guard workflowId.hasPrefix(prefix), workflowId.utf8.count == prefix.utf8.count + fireTimeSuffixLength else { return false }
        return workflowId.hasSuffix("Z")
            && workflowId.dropFirst(prefix.count).dropLast().allSatisfy { $0.isNumber || $0 == "-" || $0 == ":" || $0 == "T" }
    }

    /// Newest first: a later start, then for one start the larger run id.
    public static func newerFirst(_ a: ClosedRunEntry, _ b: ClosedRunEntry) -> Bool {
        (a.startTime, a.runId) > (b.startTime, b.runId)
    }

    private static func sortsBefore(_ position: Position, _ entry: ClosedRunEntry) -> Bool {
        (entry.startTime, entry.runId) < (position.startTime, position.runId)
    }
}

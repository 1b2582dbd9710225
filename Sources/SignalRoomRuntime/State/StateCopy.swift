import Foundation
import SignalRoomEngine
import SignalRoomReports
import SignalRoomScheduler

/// `signalroom state copy`: everything of one state written into another, empty one (files
/// to PostgreSQL when a single host grows, or back): every run with its history event for
/// event, its index entry, wake-up time, pending requests and log; the registered
/// schedules; the `run-due` pass records; the alert ledger. Each history is read back from
/// the copy and compared line for line with the original (the same CRC-guarded lines), so
/// a copy that returns has lost nothing.
///
/// Open runs are refused unless `includeOpen`: a run copied while a process works on it
/// would go on in both places. With it, each open run is claimed in the source while it is
/// copied (one some process holds is refused), and is left open in the copy for the next
/// `run-due` there; the source keeps its runs either way, so pointing the hosts at the copy
/// is the switch.
public struct StateCopy: Sendable {
    public let source: StateStores
    public let destination: StateStores
    public var includeOpen = false

    public init(source: StateStores, destination: StateStores, includeOpen: Bool = false) {
        self.source = source
        self.destination = destination
        self.includeOpen = includeOpen
    }

    public struct Summary: Sendable, Equatable, Encodable {
        public var runs = 0
        public var openRuns = 0
        public var events = 0
        public var logLines = 0
        public var schedules = 0
        public var passRecords = 0
        public var alerts = 0
    }

    public func run() throws -> Summary {
        let closed = try source.histories.closedRuns()
        let open = try source.histories.openRuns()
        if !open.isEmpty, !includeOpen {
            throw StateCopyError.openRuns(count: open.count, first: open[0].workflowId)
        }
        let occupied = try destination.histories.openRuns().count + destination.histories.closedRuns().count
        let registered = try destination.schedules.ids().count
        guard occupied == 0, registered == 0 else {
            throw StateCopyError.destinationNotEmpty(place: destination.place, runs: occupied, schedules: registered)
        }
        // Before anything is written: a run some process holds would stop the copy half-way.
        if let held = open.first(where: { source.histories.isClaimed($0.run) }) {
            throw StateCopyError.openRunHeld(workflowId: held.workflowId)
        }
        do {
            return try copy(closed: closed, open: open)
        } catch {
            throw StateCopyError.partial(place: destination.place, reason: "\(error)")
        }
    }

    private func copy(closed: [ClosedRunEntry], open: [OpenRunEntry]) throws -> Summary {
        var summary = Summary()
        for entry in closed.sorted(by: { ($0.startTime, $0.runId) < ($1.startTime, $1.runId) }) {
            summary.events += try copyRun(entry.run, type: entry.workflowType, closed: (entry.status, entry.closeTime), wakeUpTime: nil)
            summary.logLines += copyLog(entry.run)
            summary.runs += 1
        }
        for entry in open {
            // Held in the source while it is copied, so nothing appends to it meanwhile.
            let hold = try source.histories.claim(entry.run)
            defer { hold.release() }
            summary.events += try copyRun(entry.run, type: entry.workflowType, closed: nil, wakeUpTime: entry.wakeUpTime)
            summary.logLines += copyLog(entry.run)
            summary.runs += 1
            summary.openRuns += 1
        }
        for (id, state) in try source.schedules.readAll() {
            try destination.schedules.write(try state.get(), id: id)
            summary.schedules += 1
        }
        for record in try source.passes.recent(limit: Int.max).reversed() {
            try destination.passes.append(record)
            summary.passRecords += 1
        }
        for entry in try source.alerts.all() {
            _ = try destination.alerts.change(entry.subject) { _ in (entry, .nothing) }
            summary.alerts += 1
        }
        return summary
    }

    /// Writes one run into the destination and reads it back; returns its event count.
    private func copyRun(_ run: RunReference, type: String, closed: (status: RunStatus, time: Date)?, wakeUpTime: Date?) throws -> Int {
        let events = try source.histories.history(of: run)
        guard let first = events.first else { throw StateCopyError.emptyHistory(run: run) }
        let lease = try destination.histories.createRun(
            workflowId: run.workflowId, workflowType: type, runId: run.runId, started: first, onlyIfNeverUsed: false)
        defer { lease.release() }
        try lease.append(Array(events.dropFirst()))
        if let closed {
            try lease.markClosed(status: closed.status, closeTime: closed.time)
        } else {
            try lease.setWakeUpTime(wakeUpTime)
            if let request = source.histories.pendingRequest(for: run) { try destination.histories.post(request, to: run) }
        }
        let copied = try destination.histories.history(of: run)
        let original = try events.map(EventLineCodec.encode)
        guard try copied.map(EventLineCodec.encode) == original else {
            throw StateCopyError.differs(run: run, place: destination.histories.historyPlace(of: run))
        }
        return events.count
    }

    /// The run's log lines, as written; returns how many.
    private func copyLog(_ run: RunReference) -> Int {
        let bytes = source.histories.log(of: run, from: 0)
        var count = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            destination.histories.appendLog(String(decoding: line, as: UTF8.self), to: run)
            count += 1
        }
        return count
    }
}

public enum StateCopyError: Error, Sendable, CustomStringConvertible {
    case openRuns(count: Int, first: String)
    case openRunHeld(workflowId: String)
    case destinationNotEmpty(place: String, runs: Int, schedules: Int)
    /// The copy stopped after it had written part of the destination.
    case partial(place: String, reason: String)
    case emptyHistory(run: RunReference)
    case differs(run: RunReference, place: String)

    public var description: String {
        switch self {
        case .openRuns(let count, let first):
            "the state has \(count) open run\(count == 1 ? "" : "s") (\(first)\(count > 1 ? ", …" : "")); let them finish (`signalroom run-due`) and copy then, or pass --include-open to copy them open (each is held while it is copied)"
        case .openRunHeld(let workflowId):
            "workflow \(workflowId) is being worked on by a process right now; let it finish or park (`signalroom workflow describe \(workflowId)`), then copy again"
        case .destinationNotEmpty(let place, let runs, let schedules):
            "\(place) already holds \(runs) run\(runs == 1 ? "" : "s") and \(schedules) schedule\(schedules == 1 ? "" : "s"); copy into an empty state (a new directory, or --to-schema with a new schema)"
        case .partial(let place, let reason):
            "the copy stopped part-way (\(reason)); \(place) holds part of the state: drop it (a directory: remove it; PostgreSQL: DROP SCHEMA … CASCADE) and copy again"
        case .emptyHistory(let run):
            "workflow \(run.workflowId) (run \(run.runId)) has no readable event; `signalroom workflow terminate \(run.workflowId)` sets it aside, then copy again"
        case .differs(let run, let place):
            "the copy of workflow \(run.workflowId) (run \(run.runId)) at \(place) does not read back as the original; nothing was switched over: drop the copy and report this"
        }
    }
}

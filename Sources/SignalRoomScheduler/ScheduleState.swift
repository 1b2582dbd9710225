import Foundation
import SignalRoomCore
import SignalRoomEngine

/// A registered schedule as `state/schedules/<id>.json` keeps it: the spec it was set up
/// from and what happened since. Version 1.
public struct ScheduleState: Sendable, Equatable {
    /// The `schedules.json` entry, as written.
    public var source: JSONValue
    public var registeredAt: Date
    /// Fire times up to and including this one have been dealt with (started, buffered or
    /// skipped); `run-due` looks only after it.
    public var handledThrough: Date
    /// Overrides of the file's `paused` and `note` by `schedule pause`/`unpause`.
    public var pausedOverride: Bool?
    public var noteOverride: String?
    /// Fire times waiting for the open run to close (`buffer_one`, `buffer_all`).
    public var buffered: [Date]
    /// Workflow ids of this schedule's runs that were open when last looked at.
    public var openRuns: [String]
    /// The latest actions, newest last (at most `recentLimit`).
    public var recent: [Action]
    /// The note read from the store (see `quietUntilAsWritten`). Never set by hand: every
    /// write computes it afresh from what it writes, and a state written by an earlier build
    /// has none (then the pass works it out from the spec, as before).
    private var writtenQuietUntil: Date?

    public static let recentLimit = 20

    public struct Action: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case started, skipped, buffered, canceledOther = "canceled_other", terminatedOther = "terminated_other", triggered
        }
        public var kind: Kind
        public var fireTime: Date
        public var workflowId: String?
        public var at: Date

        public init(kind: Kind, fireTime: Date, workflowId: String?, at: Date) {
            self.kind = kind
            self.fireTime = fireTime
            self.workflowId = workflowId
            self.at = at
        }
    }

    public init(source: JSONValue, registeredAt: Date) {
        self.source = source
        self.registeredAt = registeredAt
        self.handledThrough = registeredAt
        self.buffered = []
        self.openRuns = []
        self.recent = []
    }

    public mutating func remember(_ action: Action) {
        recent.append(action)
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
    }

    public var lastFire: Action? { recent.last { $0.kind == .started || $0.kind == .triggered } }

    /// Before this instant no `run-due` pass can find work for the schedule, so a quiet pass
    /// looks no further: the note the state was written with, while this copy has no runs
    /// open and no times buffered (work the note does not cover).
    public var quietUntil: Date? { openRuns.isEmpty && buffered.isEmpty ? writtenQuietUntil : nil }

    /// Equal when everything but the note of `quietUntil` is: that is derived, not state.
    public static func == (lhs: ScheduleState, rhs: ScheduleState) -> Bool {
        lhs.source == rhs.source && lhs.registeredAt == rhs.registeredAt && lhs.handledThrough == rhs.handledThrough
            && lhs.pausedOverride == rhs.pausedOverride && lhs.noteOverride == rhs.noteOverride && lhs.buffered == rhs.buffered
            && lhs.openRuns == rhs.openRuns && lhs.recent == rhs.recent
    }

    /// The first instant a pass could find work for this state if only time moves on: its
    /// next fire time after `handledThrough` (jitter only delays a fire, catch-up only
    /// narrows the window), never while paused. None while runs are open or times
    /// buffered (a run closing is work too), or when the source does not parse (the pass
    /// reports that). Quiet passes over 1,000 schedules spent two thirds of their time
    /// re-deriving the spec, the cron maths and the zone of every schedule (bench/README.md).
    var quietUntilAsWritten: Date? {
        guard openRuns.isEmpty, buffered.isEmpty, case .string(let workflow)? = source["workflow"],
            let spec = try? ScheduleFile.parse(entry: source, position: 1, path: "", knownWorkflows: [workflow])
        else { return nil }
        if pausedOverride ?? spec.paused { return .distantFuture }
        return spec.cron.nextFireTime(after: handledThrough, in: spec.timeZone) ?? .distantFuture
    }
}

extension ScheduleState {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "version": .int(1),
            "source": source,
            "registeredAt": .string(Timestamp.format(registeredAt)),
            "handledThrough": .string(Timestamp.format(handledThrough)),
            "buffered": .array(buffered.map { .string(Timestamp.format($0)) }),
            "openRuns": .array(openRuns.map { .string($0) }),
            "recent": .array(
                recent.map { action in
                    var entry: [String: JSONValue] = [
                        "kind": .string(action.kind.rawValue), "fireTime": .string(Timestamp.format(action.fireTime)),
                        "at": .string(Timestamp.format(action.at)),
                    ]
                    if let id = action.workflowId { entry["workflowId"] = .string(id) }
                    return .object(entry)
                }),
        ]
        if let pausedOverride { members["pausedOverride"] = .bool(pausedOverride) }
        if let noteOverride { members["noteOverride"] = .string(noteOverride) }
        // Added within version 1: an earlier build ignores it (and drops it when it
        // rewrites the state), and a state without it is handled the long way.
        if let quiet = quietUntilAsWritten { members["quietUntil"] = .string(Timestamp.format(quiet)) }
        return .object(members)
    }

    /// The stored form (format 1 JSON), read back; `place` names it in errors.
    public init(encoded data: Data, place: String) throws {
        let json: JSONValue
        do { json = try JSONValue(parsing: data) } catch { throw ScheduleStoreError.damaged(path: place, reason: "\(error)") }
        try self.init(json: json, path: place)
    }

    /// The same, from bytes the caller holds.
    init(encoded bytes: UnsafeBufferPointer<UInt8>, place: String) throws {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw ScheduleStoreError.damaged(path: place, reason: "\(error)") }
        try self.init(json: json, path: place)
    }

    /// What a schedule store keeps.
    public func encoded() throws -> Data { try json.encoded() }

    init(json: JSONValue, path: String) throws {
        func bad(_ field: String) -> ScheduleStoreError { .damaged(path: path, reason: "field `\(field)` is missing or malformed") }
        func date(_ value: JSONValue?, _ field: String) throws -> Date {
            guard case .string(let text)? = value, let date = Timestamp.parse(text) else { throw bad(field) }
            return date
        }
        guard case .object(let members) = json else { throw ScheduleStoreError.damaged(path: path, reason: "not a JSON object") }
        guard let source = members["source"] else { throw bad("source") }
        self.source = source
        registeredAt = try date(members["registeredAt"], "registeredAt")
        handledThrough = try date(members["handledThrough"], "handledThrough")
        if case .bool(let flag)? = members["pausedOverride"] { pausedOverride = flag }
        if case .string(let text)? = members["noteOverride"] { noteOverride = text }
        if case .string(let text)? = members["quietUntil"] { writtenQuietUntil = Timestamp.parse(text) }
        guard case .array(let buffered)? = members["buffered"] else { throw bad("buffered") }
        self.buffered = try buffered.map { try date($0, "buffered") }
        guard case .array(let open)? = members["openRuns"] else { throw bad("openRuns") }
        openRuns = open.compactMap { if case .string(let id) = $0 { id } else { nil } }
        guard case .array(let recent)? = members["recent"] else { throw bad("recent") }
        self.recent = try recent.map { entry in
            guard case .object(let fields) = entry, case .string(let kindName)? = fields["kind"],
                let kind = Action.Kind(rawValue: kindName)
            else { throw bad("recent") }
            var workflowId: String?
            if case .string(let id)? = fields["workflowId"] { workflowId = id }
            return Action(
                kind: kind, fireTime: try date(fields["fireTime"], "recent.fireTime"), workflowId: workflowId,
                at: try date(fields["at"], "recent.at"))
        }
    }
}

import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomCron

/// Reads the fields of one `schedules.json` entry, noting every problem instead of stopping
/// at the first, so that `schedule-setup` can list them all.
struct ScheduleEntryReader {
    let id: String
    let members: [String: JSONValue]
    let path: String
    private(set) var problems: [ScheduleFileError] = []

    init(id: String, members: [String: JSONValue], path: String) {
        self.id = id
        self.members = members
        self.path = path
    }

    private mutating func note(_ field: String?, _ message: String) {
        problems.append(ScheduleFileError(path: path, schedule: id, field: field, message: message))
    }

    /// The spec, or nil when any field has a problem (then `problems` says which).
    mutating func spec(source: JSONValue, knownWorkflows: [String]) -> ScheduleSpec? {
        for unknown in members.keys.sorted() where !ScheduleSpec.fields.contains(unknown) {
            note(unknown, "is not a known field; known fields: \(ScheduleSpec.fields.sorted().joined(separator: ", "))")
        }
        do {
            // Scheduled run ids are `<id>-<fire time>` (21 more characters).
            try WorkflowId.validate(id + "-2026-01-01T00:00:00Z")
        } catch {
            note("id", "cannot name runs: \(error)")
        }
        var cron: CronExpression?
        if let text = string("cron") {
            do { cron = try CronExpression(parsing: text) } catch { note("cron", "\(error)") }
        }
        var zone: TimeZone?
        if let name = string("timezone", default: "UTC") {
            zone = TimeZone(identifier: name)
            if zone == nil { note("timezone", "`\(name)` is not an IANA time zone (e.g. UTC, America/New_York)") }
        }
        let workflow = string("workflow")
        if let workflow, !knownWorkflows.contains(workflow) {
            note("workflow", "`\(workflow)` is not a workflow type of this build; known: \(knownWorkflows.joined(separator: ", "))")
        }
        var overlap: OverlapPolicy?
        if let name = string("overlap", default: OverlapPolicy.skip.rawValue) {
            overlap = OverlapPolicy(rawValue: name)
            if overlap == nil {
                note("overlap", "`\(name)` is not a policy; use one of \(OverlapPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var paused = false
        switch members["paused"] {
        case nil: break
        case .bool(let flag)?: paused = flag
        default: note("paused", "must be true or false")
        }
        var note: String?
        switch members["note"] {
        case nil, .null?: break
        case .string(let text)?: note = text
        default: self.note("note", "must be a string")
        }
        let catchup = duration("catchup_window", default: 86_400)
        let jitter = duration("jitter", default: 0)
        guard problems.isEmpty, let cron, let zone, let workflow, let overlap, let catchup, let jitter else { return nil }
        return ScheduleSpec(
            id: id, cron: cron, timeZone: zone, workflow: workflow, input: members["input"] ?? .object([:]),
            overlap: overlap, catchupWindow: catchup, paused: paused, note: note, jitter: jitter, source: source)
    }

    /// The field's text; nil (with a problem noted) when it is missing or not a string.
    private mutating func string(_ field: String, default fallback: String? = nil) -> String? {
        switch members[field] {
        case .string(let text)?: return text
        case nil where fallback != nil: return fallback
        default:
            note(field, fallback == nil ? "is missing or not a string" : "must be a string")
            return nil
        }
    }

    private mutating func duration(_ field: String, default fallback: TimeInterval) -> TimeInterval? {
        guard members[field] != nil else { return fallback }
        guard let text = string(field) else { return nil }
        do {
            return try ScheduleDuration.seconds(text)
        } catch {
            note(field, "`\(text)` is not a duration (\(error))")
            return nil
        }
    }
}

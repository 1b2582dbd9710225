import Foundation
import SignalRoomEngine
import SignalRoomSchedules

/// Reads and checks `schedules.json`. Every problem is reported with the schedule id (or
/// position) and the field; nothing is registered unless the whole file is valid.
public enum ScheduleFile {
    public static func load(path: String, knownWorkflows: [String]) throws(ScheduleFileError) -> [ScheduleSpec] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScheduleFileError(path: path, schedule: nil, field: nil, message: "cannot be read; check --file")
        }
        return try parse(data, path: path, knownWorkflows: knownWorkflows)
    }

    public static func parse(_ data: Data, path: String, knownWorkflows: [String]) throws(ScheduleFileError) -> [ScheduleSpec] {
        func fail(_ schedule: String?, _ field: String?, _ message: String) -> ScheduleFileError {
            ScheduleFileError(path: path, schedule: schedule, field: field, message: message)
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsingStrictly: data)
        } catch let error as JSONSyntaxError {
            throw fail(schedule(containing: error.offset, in: data), nil, "is not valid JSON (\(error))")
        } catch {
            throw fail(nil, nil, "is not valid JSON (\(error))")
        }
        guard case .array(let entries) = document else {
            throw fail(nil, nil, "must be a JSON array of schedules, e.g. [{\"id\": …, \"cron\": …, \"workflow\": …}]")
        }
        var specs: [ScheduleSpec] = []
        var seen: Set<String> = []
        for (position, entry) in entries.enumerated() {
            let spec = try parse(entry: entry, position: position + 1, path: path, knownWorkflows: knownWorkflows)
            guard seen.insert(spec.id).inserted else { throw fail(spec.id, "id", "is used by more than one schedule") }
            specs.append(spec)
        }
        return specs
    }

    /// The schedule whose entry holds byte `offset`: its id, else `#<position>`; nil outside
    /// the entries or when the file is not even lenient JSON (then only the offset helps).
    /// Needed for what only the strict parse refuses (a duplicate member, bytes that are not
    /// UTF-8), whose offset alone would send the reader counting bytes.
    static func schedule(containing offset: Int, in data: Data) -> String? {
        guard case .array(let entries)? = try? JSONValue(parsing: data) else { return nil }
        // Offsets where each top-level element starts: after `[` or a `,` at depth 1.
        var starts: [Int] = []
        var depth = 0, inString = false, escaped = false
        for (position, byte) in data.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth == 1 { starts.append(position + 1) }
            case 0x5D, 0x7D: depth -= 1
            case 0x2C where depth == 1: starts.append(position + 1)
            default: break
            }
        }
        guard let position = starts.lastIndex(where: { $0 <= offset }), position < entries.count else { return nil }
        if case .string(let id)? = entries[position]["id"] { return id }
        return "#\(position + 1)"
    }

    /// Checks one entry that is already parsed (a registered schedule's stored source).
    public static func parse(entry: JSONValue, position: Int, path: String, knownWorkflows: [String]) throws(ScheduleFileError) -> ScheduleSpec {
        func fail(_ schedule: String?, _ field: String?, _ message: String) -> ScheduleFileError {
            ScheduleFileError(path: path, schedule: schedule, field: field, message: message)
        }
        guard case .object(let members) = entry else { throw fail("#\(position)", nil, "must be an object") }
        guard case .string(let id)? = members["id"] else { throw fail("#\(position)", "id", "is missing or not a string") }
        return try spec(id: id, members: members, source: entry, fail: fail, knownWorkflows: knownWorkflows)
    }

    private static func spec(id: String, members: [String: JSONValue], source: JSONValue,
                             fail: (String?, String?, String) -> ScheduleFileError,
                             knownWorkflows: [String]) throws(ScheduleFileError) -> ScheduleSpec {
        if let unknown = members.keys.sorted().first(where: { !ScheduleSpec.fields.contains($0) }) {
            throw fail(id, unknown, "is not a known field; known fields: \(ScheduleSpec.fields.sorted().joined(separator: ", "))")
        }
        do {
            // Scheduled run ids are `<id>-<fire time>` (21 more characters).
            try WorkflowId.validate(id + "-2026-01-01T00:00:00Z")
        } catch {
            throw fail(id, "id", "cannot name runs: \(error)")
        }
        func string(_ field: String, default fallback: String? = nil) throws(ScheduleFileError) -> String {
            switch members[field] {
            case .string(let text)?: return text
            case nil where fallback != nil: return fallback!
            default: throw fail(id, field, fallback == nil ? "is missing or not a string" : "must be a string")
            }
        }
        func duration(_ field: String, default fallback: TimeInterval) throws(ScheduleFileError) -> TimeInterval {
            guard members[field] != nil else { return fallback }
            let text = try string(field)
            do {
                return try ScheduleDuration.seconds(text)
            } catch {
                throw fail(id, field, "`\(text)` is not a duration (\(error)); write e.g. 30s, 15m, 24h, 7d")
            }
        }
        let cronText = try string("cron")
        let cron: CronExpression
        do {
            cron = try CronExpression(parsing: cronText)
        } catch {
            throw fail(id, "cron", "\(error)")
        }
        let zoneName = try string("timezone", default: "UTC")
        guard let zone = TimeZone(identifier: zoneName) else {
            throw fail(id, "timezone", "`\(zoneName)` is not an IANA time zone (e.g. UTC, America/New_York)")
        }
        let workflow = try string("workflow")
        guard knownWorkflows.contains(workflow) else {
            throw fail(id, "workflow", "`\(workflow)` is not a workflow type of this build; known: \(knownWorkflows.joined(separator: ", "))")
        }
        let overlapName = try string("overlap", default: OverlapPolicy.skip.rawValue)
        guard let overlap = OverlapPolicy(rawValue: overlapName) else {
            throw fail(id, "overlap", "`\(overlapName)` is not a policy; use one of \(OverlapPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let paused: Bool
        switch members["paused"] {
        case nil: paused = false
        case .bool(let flag)?: paused = flag
        default: throw fail(id, "paused", "must be true or false")
        }
        let note: String?
        switch members["note"] {
        case nil, .null?: note = nil
        case .string(let text)?: note = text
        default: throw fail(id, "note", "must be a string")
        }
        let input = members["input"] ?? .object([:])
        return ScheduleSpec(id: id, cron: cron, timeZone: zone, workflow: workflow, input: input, overlap: overlap,
                            catchupWindow: try duration("catchup_window", default: 86_400), paused: paused, note: note,
                            jitter: try duration("jitter", default: 0), source: source)
    }
}

/// A problem in `schedules.json`, naming the schedule and field.
public struct ScheduleFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var schedule: String?
    public var field: String?
    public var message: String

    public init(path: String, schedule: String?, field: String?, message: String) {
        self.path = path
        self.schedule = schedule
        self.field = field
        self.message = message
    }

    public var description: String {
        var place = path
        if let schedule { place += ": schedule `\(schedule)`" }
        if let field { place += ": field `\(field)`" }
        return "\(place) \(message); nothing was registered"
    }
}

import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomCron

/// Reads and checks `schedules.json`. Every problem is reported with the schedule id (or
/// position) and the field, all of them at once (a file with three typos takes one round,
/// not three); nothing is registered unless the whole file is valid.
///
/// What the names inside a schedule's `input` mean (sources, reports, channels) is not known
/// here: the caller checks the specs this returns with the workflows' own rules.
public enum ScheduleFile {
    /// The schedules of a well-formed file and every problem found; the specs are only the
    /// entries without problems, so a caller may check them further before deciding.
    public struct Checked: Sendable {
        public var specs: [ScheduleSpec]
        public var problems: [ScheduleFileError]
    }

    public static func check(path: String, knownWorkflows: [String]) -> Checked {
        // Read to the end rather than by the file's size, so a pipe works too (`--file <(…)`).
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            return Checked(specs: [], problems: [ScheduleFileError(path: path, schedule: nil, field: nil, message: "cannot be read; check --file")])
        }
        return check(data, path: path, knownWorkflows: knownWorkflows)
    }

    public static func check(_ data: Data, path: String, knownWorkflows: [String]) -> Checked {
        func fail(_ schedule: String?, _ field: String?, _ message: String) -> Checked {
            Checked(specs: [], problems: [ScheduleFileError(path: path, schedule: schedule, field: field, message: message)])
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsingStrictly: data)
        } catch let error as JSONSyntaxError {
            return fail(schedule(containing: error.offset, in: data), nil, "is not valid JSON (\(error))")
        } catch {
            return fail(nil, nil, "is not valid JSON (\(error))")
        }
        guard case .array(let entries) = document else {
            return fail(nil, nil, "must be a JSON array of schedules, e.g. [{\"id\": …, \"cron\": …, \"workflow\": …}]")
        }
        var checked = Checked(specs: [], problems: [])
        var seen: Set<String> = []
        for (position, entry) in entries.enumerated() {
            let (spec, problems) = check(entry: entry, position: position + 1, path: path, knownWorkflows: knownWorkflows)
            checked.problems += problems
            guard let spec else { continue }
            guard seen.insert(spec.id).inserted else {
                checked.problems.append(ScheduleFileError(path: path, schedule: spec.id, field: "id", message: "is used by more than one schedule"))
                continue
            }
            checked.specs.append(spec)
        }
        return checked
    }

    /// The schedules of a file with no problem at all, else its first problem.
    public static func parse(_ data: Data, path: String, knownWorkflows: [String]) throws(ScheduleFileError) -> [ScheduleSpec] {
        let checked = check(data, path: path, knownWorkflows: knownWorkflows)
        if let first = checked.problems.first { throw first }
        return checked.specs
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
        let (spec, problems) = check(entry: entry, position: position, path: path, knownWorkflows: knownWorkflows)
        if let first = problems.first { throw first }
        return spec!
    }

    /// One entry: its spec when it has no problem, and every problem it has.
    static func check(entry: JSONValue, position: Int, path: String, knownWorkflows: [String]) -> (ScheduleSpec?, [ScheduleFileError]) {
        guard case .object(let members) = entry else {
            return (nil, [ScheduleFileError(path: path, schedule: "#\(position)", field: nil, message: "must be an object")])
        }
        guard case .string(let id)? = members["id"] else {
            return (nil, [ScheduleFileError(path: path, schedule: "#\(position)", field: "id", message: "is missing or not a string")])
        }
        var reader = ScheduleEntryReader(id: id, members: members, path: path)
        let spec = reader.spec(source: entry, knownWorkflows: knownWorkflows)
        return (reader.problems.isEmpty ? spec : nil, reader.problems)
    }
}

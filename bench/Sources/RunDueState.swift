#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Foundation
import SignalRoomCore
import SignalRoomEngine

/// The state for timing `signalroom run-due` when nothing is due: many closed runs and a
/// `schedules.json` with many schedules (registered by `signalroom schedule-setup`).
///
///     signalroom-bench closed-runs STATE COUNT [--prefix P] [--days D]
///     signalroom-bench schedules FILE COUNT [--paused N]
extension Bench {
    // MARK: closed-runs

    /// `count` closed one-activity runs in the state directory `directory`, written in
    /// seconds rather than minutes: one run goes through the engine (in a scratch
    /// directory, with a fixed clock), and every other run is a copy of its history file
    /// and closed-index line with the workflow id, run id and times replaced and each
    /// line's CRC recomputed. The copies are written without fsync and spread evenly over
    /// the last `days` days (close times before now, inside the default 30-day retention,
    /// so `run-due`'s pruning leaves them alone). A few copies are read back through
    /// `FileHistoryStore.history(of:)`, which checks every line's sum and event id.
    static func closedRuns(directory: String, count: Int, prefix: String, days: Int) async throws {
        let started = ContinuousClock.now
        let template = try await ClosedRunTemplate.make()
        let store = FileHistoryStore(root: URL(fileURLWithPath: directory))
        let workflows = directory + "/workflows"
        let closedIndex = directory + "/index/closed"
        for path in [directory, workflows, directory + "/index", directory + "/index/open", closedIndex] {
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw BenchError.unexpected("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }

        // Close times from `days` days ago up to a minute ago, oldest first; each run
        // took 0.7 s. Run ids are version 7 UUIDs of the start time, as the engine makes.
        let newest = Date().addingTimeInterval(-60)
        let span = Double(days) * 86_400 - 3_600
        var dayLines: [String: [UInt8]] = [:]
        var sample: [RunReference] = []
        let width = String(count - 1).count
        for index in 0..<count {
            let close = Timestamp.truncated(newest.addingTimeInterval(-span * Double(count - 1 - index) / Double(max(1, count - 1))))
            let start = close.addingTimeInterval(-0.7)
            let number = String(index)
            let workflowId = "\(prefix)-" + String(repeating: "0", count: width - number.count) + number
            let runId = RunReference.newRunId(at: start)
            let values = ClosedRunTemplate.Values(
                workflowId: Array(workflowId.utf8), runId: Array(runId.utf8),
                start: Array(Timestamp.format(start).utf8), close: Array(Timestamp.format(close).utf8))
            let workflowDirectory = workflows + "/" + workflowId
            guard mkdir(workflowDirectory, 0o700) == 0 else {
                throw BenchError.unexpected(
                    "cannot create \(workflowDirectory): \(String(cString: strerror(errno))) (closed-runs needs ids not used yet; try another --prefix)"
                )
            }
            try writeFile(workflowDirectory + "/.claim", [])
            try writeFile(workflowDirectory + "/" + runId + ".jsonl", template.history(values))
            dayLines[String(Timestamp.format(close).prefix(10)), default: []].append(contentsOf: template.closedLine(values))
            if index == 0 || index == count / 2 || index == count - 1 { sample.append(RunReference(workflowId: workflowId, runId: runId)) }
        }
        for (day, lines) in dayLines {
            try writeFile(closedIndex + "/" + day + ".jsonl", lines, append: true)
        }
        for run in sample {
            let events = try store.history(of: run)
            guard events.count == template.eventCount, case .workflowExecutionStarted(let first)? = events.first?.attributes,
                first.workflowId == run.workflowId, first.runId == run.runId
            else {
                throw BenchError.unexpected("the copied history of \(run) does not read back as the template's \(template.eventCount) events")
            }
        }
        let time = seconds(ContinuousClock.now - started)
        print(
            "wrote \(grouped(count)) closed one-activity runs (\(template.eventCount) events each) into \(directory) in \(String(format: "%.1f", time)) s, "
                + "closed over the last \(days) days (\(dayLines.count) closed-index day files)")
    }

    static func writeFile(_ path: String, _ bytes: [UInt8], append: Bool = false) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_EXCL), 0o600)
        guard descriptor >= 0 else { throw BenchError.unexpected("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw BenchError.unexpected("cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    // MARK: schedules

    /// A `schedules.json` with `count` schedules of the `demo` workflow (the only workflow
    /// type of this build), with a mix of cron expressions, time zones and policies:
    /// hourly at every minute of the hour, daily at every hour in five zones, steps
    /// (`*/15`, `*/5`, `10-50/10`), weekdays, monthly, the Vixie day rule, macros, the
    /// original platform's `15 7-23 * * *` in New York; some with jitter; `paused` of them
    /// (spread evenly, ids ending in `-paused`) paused. Every fire time is a whole minute,
    /// so a schedule registered at hh:mm:00 has nothing due until hh:(mm+1):00.
    static func writeSchedules(path: String, count: Int, paused: Int) throws {
        let zones = ["America/New_York", "Europe/London", "UTC", "America/Los_Angeles", "Asia/Kolkata"]
        let overlaps = ["skip", "skip", "skip", "buffer_one", "allow_all", "skip", "buffer_all", "cancel_other"]
        var entries: [String] = []
        var kinds: [String: Int] = [:]
        let pausedEvery = paused > 0 ? max(1, count / paused) : 0
        for index in 0..<count {
            let isPaused = paused > 0 && index % pausedEvery == pausedEvery / 2 && index / pausedEvery < paused
            let zone = zones[(index / 7) % zones.count]
            // Each kind recurs every 12 schedules; 7 and 5 are prime to 60 and 24, so the
            // hourly ones cover every minute and the daily ones every hour.
            let minute = (index / 12 * 7 + index % 12 * 5) % 60
            let hour = (index / 12 * 5 + index % 12) % 24
            let kind: String
            let cron: String
            switch index % 12 {
            case 0, 1: kind = "hourly"; cron = "\(minute) * * * *"
            case 2, 3, 4: kind = "daily"; cron = "\(minute) \(hour) * * *"
            case 5: kind = "every-15m"; cron = "*/15 * * * *"
            case 6: kind = "weekdays"; cron = "\(minute) \(hour) * * 1-5"
            case 7: kind = "business-hours"; cron = "\(minute) 7-23 * * *"
            case 8: kind = "steps"; cron = ["*/5 * * * *", "10-50/10 * * * *", "0 */2 * * *", "30 */6 * * *"][(index / 12) % 4]
            case 9: kind = "monthly"; cron = ["0 6 1 * *", "0 0 1,15 * FRI", "45 23 28 * *", "0 8 * JAN,APR,JUL,OCT MON"][(index / 12) % 4]
            case 10: kind = "macro"; cron = ["@hourly", "@daily", "@weekly", "@monthly"][(index / 12) % 4]
            default: kind = "weekly"; cron = "\(minute) \(hour) * * \(["SUN", "MON", "WED", "FRI", "SAT", "7"][(index / 12) % 6])"
            }
            kinds[kind, default: 0] += 1
            if isPaused { kinds["paused", default: 0] += 1 }
            let number = String(index)
            let id = "bench-\(kind)-" + String(repeating: "0", count: max(0, 4 - number.count)) + number + (isPaused ? "-paused" : "")
            var fields = [
                "\"id\": \"\(id)\"", "\"cron\": \"\(cron)\"", "\"timezone\": \"\(zone)\"", "\"workflow\": \"demo\"",
                "\"input\": {\"name\": \"\(id)\"}", "\"overlap\": \"\(overlaps[index % overlaps.count])\"",
            ]
            if index % 10 == 3 { fields.append("\"jitter\": \"30s\"") }
            if index % 9 == 4 { fields.append("\"catchup_window\": \"2h\"") }
            if isPaused { fields.append("\"paused\": true") }
            if index % 25 == 0 { fields.append("\"note\": \"benchmark schedule \(index)\"") }
            entries.append("  {" + fields.joined(separator: ", ") + "}")
        }
        let text = "[\n" + entries.joined(separator: ",\n") + "\n]\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw BenchError.unexpected("cannot write \(path)") }
        print(
            "wrote \(grouped(count)) schedules of workflow demo to \(path) ("
                + kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                + "; zones \(zones.joined(separator: ", ")))")
    }
}

/// One closed run made by the engine, as byte templates with holes for the workflow id,
/// run id, start time and close time.
struct ClosedRunTemplate {
    enum Piece {
        case bytes([UInt8])
        case workflowId, runId, start, close

        var hole: String? {
            switch self {
            case .bytes: nil
            case .workflowId: "workflowId"
            case .runId: "runId"
            case .start: "start"
            case .close: "close"
            }
        }
    }

    struct Values {
        var workflowId: [UInt8]
        var runId: [UInt8]
        var start: [UInt8]
        var close: [UInt8]
    }

    /// Each history line's JSON without its `sum` member, and the closed-index line.
    var lines: [[Piece]]
    var closed: [Piece]
    var eventCount: Int { lines.count }

    static let workflowId = "bench-template-run"
    static let startTime = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01T00:00:00.000Z
    static let closeTime = startTime.addingTimeInterval(1)

    /// Runs one `bench.loop` of one activity in a scratch directory with a clock that reads
    /// `startTime` for the start and `closeTime` after it, and cuts its files into pieces.
    static func make() async throws -> ClosedRunTemplate {
        let root = try Bench.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let calls = Counter()
        var registry = WorkflowRegistry()
        registry.register(workflow: LoopWorkflow.self)
        registry.register(activity: NoopActivity())
        let store = FileHistoryStore(root: URL(fileURLWithPath: root))
        let engine = WorkflowEngine(
            store: store, registry: registry,
            configuration: EngineConfiguration(
                identity: "4242@bench", clock: { calls.next() == 0 ? startTime : closeTime }))
        let claimed = try engine.start(
            workflowType: LoopWorkflow.name, workflowId: workflowId,
            input: try JSONValue(encoding: LoopWorkflow.Input(activities: 1)))
        let run = claimed.run
        let outcome = try await engine.execute(claimed)
        try Bench.expect(outcome == .completed(.int(0)), "template run ended \(outcome)")

        let history = try Data(contentsOf: URL(fileURLWithPath: store.historyPath(run)))
        let closedIndex = root + "/index/closed/" + String(Timestamp.format(closeTime).prefix(10)) + ".jsonl"
        let closedLine = try Data(contentsOf: URL(fileURLWithPath: closedIndex))
        let holes: [(String, Piece)] = [
            ("\"\(workflowId)\"", .workflowId), ("\"\(run.runId)\"", .runId),
            ("\"\(Timestamp.format(startTime))\"", .start), ("\"\(Timestamp.format(closeTime))\"", .close),
        ]

        var lines: [[Piece]] = []
        for line in history.split(separator: 0x0A) {
            lines.append(try split(withoutSum(Array(line)), holes: holes))
        }
        let closedLines = closedLine.split(separator: 0x0A)
        try Bench.expect(closedLines.count == 1, "the template's closed index has \(closedLines.count) lines")
        let closed = try split(Array(closedLines[0]) + [0x0A], holes: holes)
        let used = (lines.flatMap { $0 } + closed).map(\.hole)
        for (name, piece) in holes {
            try Bench.expect(used.contains(piece.hole), "the template run's files never mention \(name)")
        }
        return ClosedRunTemplate(lines: lines, closed: closed)
    }

    /// The line's JSON as its sum covers it: `,"sum":"xxxxxxxx"` taken out before the
    /// final brace. Checks the recorded sum, so a change of the line format fails here
    /// rather than producing histories the engine rejects.
    static func withoutSum(_ line: [UInt8]) throws -> [UInt8] {
        let key = Array(#","sum":""#.utf8)
        let trailer = key.count + 8 + 2
        guard line.count > trailer, line.suffix(2) == [0x22, 0x7D], Array(line[(line.count - trailer)..<(line.count - trailer + key.count)]) == key,
            let recorded = UInt32(String(decoding: line[(line.count - 10)..<(line.count - 2)], as: UTF8.self), radix: 16)
        else {
            throw BenchError.unexpected("a template history line does not end in a sum: \(String(decoding: line, as: UTF8.self))")
        }
        let json = Array(line[0..<(line.count - trailer)]) + [0x7D]
        try Bench.expect(BenchCRC32.checksum(json) == recorded, "the template history's line sums are not CRC-32 of the line without its sum")
        return json
    }

    static func split(_ bytes: [UInt8], holes: [(String, Piece)]) throws -> [Piece] {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var index = 0
        let patterns = holes.map { (Array($0.0.utf8), $0.1) }
        scan: while index < bytes.count {
            for (pattern, piece) in patterns
            where bytes[index] == pattern[0] && index + pattern.count <= bytes.count
                && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
            {
                pieces.append(.bytes(literal + [0x22]))
                literal = [0x22]
                pieces.append(piece)
                index += pattern.count
                continue scan
            }
            literal.append(bytes[index])
            index += 1
        }
        pieces.append(.bytes(literal))
        return pieces
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    static func render(_ pieces: [Piece], _ values: Values, into bytes: inout [UInt8]) {
        for piece in pieces {
            switch piece {
            case .bytes(let literal): bytes.append(contentsOf: literal)
            case .workflowId: bytes.append(contentsOf: values.workflowId)
            case .runId: bytes.append(contentsOf: values.runId)
            case .start: bytes.append(contentsOf: values.start)
            case .close: bytes.append(contentsOf: values.close)
            }
        }
    }

    /// The history file of a copy: every line re-summed as `EventLineCodec` does.
    func history(_ values: Values) -> [UInt8] {
        var file: [UInt8] = []
        file.reserveCapacity(1_400)
        var json: [UInt8] = []
        for line in lines {
            json.removeAll(keepingCapacity: true)
            Self.render(line, values, into: &json)
            let sum = BenchCRC32.checksum(json)
            file.append(contentsOf: json.dropLast())
            file.append(contentsOf: #","sum":""#.utf8)
            for shift in stride(from: 28, through: 0, by: -4) { file.append(Self.hexDigits[Int((sum >> UInt32(shift)) & 0xF)]) }
            file.append(contentsOf: [0x22, 0x7D, 0x0A])
        }
        return file
    }

    func closedLine(_ values: Values) -> [UInt8] {
        var line: [UInt8] = []
        Self.render(closed, values, into: &line)
        return line
    }
}

/// Counts calls from any thread (the engine's clock is `@Sendable`).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as history lines use. The
/// engine's own is internal; `ClosedRunTemplate.withoutSum` checks this one against it.
enum BenchCRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = (value & 1) != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)] }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomStatePostgres

/// `signalroom-bench`: the engine's throughput and replay figures, measured in process on a
/// temporary state directory (or `--dir`). Not a test: it prints figures and fails only if
/// the engine misbehaves (a run that does not end the way the benchmark expects).
///
///     signalroom-bench [--activities N] [--workflows N] [--per-workflow N]
///                      [--replay-activities N] [--replay-runs N] [--dir PATH] [--keep]
///     signalroom-bench populate DIR COUNT [--prefix P]   COUNT closed one-activity runs in DIR
///     signalroom-bench closed-runs DIR COUNT [--prefix P] [--days D]   the same, copied from one
///                                             engine-made run without fsync (100,000 in seconds)
///     signalroom-bench schedules FILE COUNT [--paused N]   a schedules.json of COUNT demo
///                                             schedules, N of them paused
///     signalroom-bench replay-loop N          builds the replay history, replays it N times
///     signalroom-bench long-run DIR|URL [SCHEMA] N   one completed run `long-run` of N activities
///                                             (3N + 2 events) in a file or PostgreSQL state
///     signalroom-bench jsonl-read [ROWS]      the JSON Lines reader and the history parser over
///                                             one generated export, rows/s and MB/s
///     signalroom-bench sequential-loop N      one workflow of N activities (both for profilers:
///                                             perf record, strace -c, callgrind)
@main
struct Bench {
    static func main() async {
        setvbuf(stdout, nil, _IOLBF, 0)
        var arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "populate":
                arguments.removeFirst()
                guard arguments.count == 2 || (arguments.count == 4 && arguments[2] == "--prefix"),
                    let count = Int(arguments[1]), count > 0
                else {
                    throw BenchError.usage("populate DIR COUNT [--prefix ID-PREFIX]")
                }
                try await populate(directory: arguments[0], count: count, prefix: arguments.count == 4 ? arguments[3] : "populate")
            case "closed-runs":
                arguments.removeFirst()
                let usage = BenchError.usage("closed-runs DIR COUNT [--prefix ID-PREFIX] [--days D]")
                guard arguments.count >= 2, let count = Int(arguments[1]), count > 0 else { throw usage }
                var prefix = "closed"
                var days = 28
                var rest = arguments.dropFirst(2)
                while let flag = rest.popFirst() {
                    switch (flag, rest.popFirst()) {
                    case ("--prefix", let value?): prefix = value
                    case ("--days", let value?) where Int(value).map({ $0 >= 1 && $0 <= 29 }) == true: days = Int(value)!
                    default: throw usage
                    }
                }
                try await closedRuns(directory: arguments[0], count: count, prefix: prefix, days: days)
            case "schedules":
                arguments.removeFirst()
                guard arguments.count == 2 || (arguments.count == 4 && arguments[2] == "--paused"),
                    let count = Int(arguments[1]), count > 0,
                    let paused = arguments.count == 4 ? Int(arguments[3]) : 0, (0...count).contains(paused)
                else {
                    throw BenchError.usage("schedules FILE COUNT [--paused N]")
                }
                try writeSchedules(path: arguments[0], count: count, paused: paused)
            case "long-run":
                arguments.removeFirst()
                guard (2...3).contains(arguments.count), let activities = Int(arguments.last!), activities > 0 else {
                    throw BenchError.usage("long-run DIR|postgres://URL [SCHEMA] ACTIVITIES")
                }
                let store: any HistoryStore =
                    arguments[0].hasPrefix("postgres")
                    ? try PostgresHistoryStore(url: arguments[0], schema: arguments.count == 3 ? arguments[1] : "signalroom_state")
                    : FileHistoryStore(root: URL(fileURLWithPath: arguments[0]))
                let outcome = try await startAndExecute(makeEngine(store: store), id: "long-run", input: .init(activities: activities))
                try expect(outcome == .completed(.int(Int64(expectedSum(activities)))), "long-run ended \(outcome)")
            case "sequential-loop":
                arguments.removeFirst()
                try await sequentialLoop(count: arguments.first.flatMap(Int.init) ?? 5_000)
            case "replay-loop":
                arguments.removeFirst()
                let times = arguments.first.flatMap(Int.init) ?? 20
                try await replayLoop(times: times)
            case "state-postgres":
                arguments.removeFirst()
                guard let url = arguments.first else { throw BenchError.usage("state-postgres URL [ACTIVITIES]") }
                let activities = arguments.dropFirst().first.flatMap(Int.init) ?? 5_000
                try await PostgresStateBench.run(url: url, activities: activities, workflows: 200, perWorkflow: 10)
            case "state-postgres-host":
                arguments.removeFirst()
                guard arguments.count == 5, let workflows = Int(arguments[3]), let perWorkflow = Int(arguments[4]) else {
                    throw BenchError.usage("state-postgres-host URL SCHEMA PREFIX WORKFLOWS PER-WORKFLOW")
                }
                try await PostgresStateBench.host(
                    url: arguments[0], schema: arguments[1], prefix: arguments[2], workflows: workflows, perWorkflow: perWorkflow)
            case "state-postgres-list":
                arguments.removeFirst()
                guard arguments.count == 2 else { throw BenchError.usage("state-postgres-list URL SCHEMA") }
                try PostgresStateBench.listQuery(url: arguments[0], schema: arguments[1])
            case "jsonl-read":
                arguments.removeFirst()
                try JSONLinesRead.run(rows: arguments.first.flatMap(Int.init) ?? 200_000)
            case "-h", "--help":
                print(usage)
            default:
                try await runAll(Options(arguments))
            }
        } catch {
            FileHandle.standardError.write(Data("signalroom-bench: error: \(error)\n".utf8))
            exit(1)
        }
    }

    static let usage = """
        usage: signalroom-bench [--activities N] [--workflows N] [--per-workflow N]
                                [--replay-activities N] [--replay-runs N] [--dir PATH] [--keep]
               signalroom-bench populate DIR COUNT [--prefix ID-PREFIX]
               signalroom-bench closed-runs DIR COUNT [--prefix ID-PREFIX] [--days 1-29]
               signalroom-bench schedules FILE COUNT [--paused N]
               signalroom-bench jsonl-read [ROWS]       (JSON Lines reader and history parser, rows/s)
               signalroom-bench state-postgres URL [N]  (durable activities on the PostgreSQL state beside files)
               signalroom-bench sequential-loop [N]     (for profilers)
               signalroom-bench replay-loop [TIMES]     (for profilers)
        Build with -c release; `bench/run` builds, runs this and times the CLI.
        """

    struct Options {
        var activities = 5_000
        var workflows = 200
        var perWorkflow = 10
        var replayActivities = 3_333  // 1 + 3 × 3,333 + 1 = 10,001 events
        var replayRuns = 5
        var directory: String?
        var keep = false

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            func value(_ flag: String) throws -> String {
                guard let next = rest.popFirst() else { throw BenchError.usage("\(flag) needs a value") }
                return next
            }
            func number(_ flag: String) throws -> Int {
                guard let parsed = Int(try value(flag)), parsed > 0 else { throw BenchError.usage("\(flag) needs a positive number") }
                return parsed
            }
            while let flag = rest.popFirst() {
                switch flag {
                case "--activities": activities = try number(flag)
                case "--workflows": workflows = try number(flag)
                case "--per-workflow": perWorkflow = try number(flag)
                case "--replay-activities": replayActivities = try number(flag)
                case "--replay-runs": replayRuns = try number(flag)
                case "--dir": directory = try value(flag)
                case "--keep": keep = true
                default: throw BenchError.usage("unknown argument \(flag)")
                }
            }
        }
    }

    // MARK: The figures

    static func runAll(_ options: Options) async throws {
        let root = try options.directory ?? makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { if !options.keep && options.directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        print("signalroom-bench: state in \(root) (release build expected; 1 fsync per activity is the engine's floor)")

        let floor = try fsyncFloor(directory: root)
        print(
            "fsync floor: append 200 B + fdatasync: \(format(micros: floor)) median of 200 here "
                + "(at one fsync per activity, no engine can beat \(grouped(1e6 / floor))/s on this disk)")

        let engine = makeEngine(root: root + "/throughput")

        // a1. One workflow, N sequential activities.
        let singleCPU = cpuSeconds()
        let (single, singleTime) = try await timed {
            try await startAndExecute(engine, id: "bench-sequential", input: .init(activities: options.activities))
        }
        try expect(single == .completed(.int(Int64(expectedSum(options.activities)))), "sequential run ended \(single)")
        let singleRate = Double(options.activities) / seconds(singleTime)
        print(
            "durable activity completions: \(grouped(singleRate))/s (\(format(micros: seconds(singleTime) * 1e6 / Double(options.activities))) each, "
                + "\(grouped(options.activities)) activities in one workflow, fsync on; CPU \(format(micros: (cpuSeconds() - singleCPU) * 1e6 / Double(options.activities))) each; \(String(format: "%.0f", singleRate * floor / 1e4)) % of the fsync ceiling)   target ≥ 70 % of the fsync ceiling  \(verdict(singleRate * floor / 1e6 >= 0.7))"
        )

        // a2. Many short workflows, start → execute each.
        let manyCPU = cpuSeconds()
        let (_, manyTime) = try await timed {
            for index in 0..<options.workflows {
                let outcome = try await startAndExecute(engine, id: "bench-many-\(index)", input: .init(activities: options.perWorkflow))
                try expect(outcome == .completed(.int(Int64(expectedSum(options.perWorkflow)))), "run \(index) ended \(outcome)")
            }
        }
        let manyActivities = options.workflows * options.perWorkflow
        let manyRate = Double(manyActivities) / seconds(manyTime)
        print(
            "durable activity completions: \(grouped(manyRate))/s (\(format(micros: seconds(manyTime) * 1e6 / Double(manyActivities))) each, "
                + "\(options.workflows) workflows × \(options.perWorkflow) activities, start → execute, fsync on; "
                + "\(grouped(Double(options.workflows) / seconds(manyTime))) workflows/s, "
                + "\(format(millis: seconds(manyTime) * 1e3 / Double(options.workflows))) per workflow; "
                + "CPU \(format(micros: (cpuSeconds() - manyCPU) * 1e6 / Double(manyActivities))) per activity)")

        // b. Replay of a ~10,000-event history parked on a long timer.
        let replayStore = FileHistoryStore(root: URL(fileURLWithPath: root + "/replay"))
        let replayEngine = makeEngine(store: replayStore)
        let (run, buildTime) = try await timed { try await buildParkedRun(replayEngine, activities: options.replayActivities) }
        let history = try replayStore.history(of: run)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: replayStore.historyPath(run))[.size] as? Int) ?? 0
        print(
            "  (built the replay history: \(grouped(history.count)) events, \(format(bytes: bytes)), in \(format(millis: seconds(buildTime) * 1e3)))")

        var claimTimes: [Double] = []
        var executeTimes: [Double] = []
        var totalTimes: [Double] = []
        let replayCPU = cpuSeconds()
        for _ in 0..<options.replayRuns {
            let started = ContinuousClock.now
            let claimed = try replayEngine.claim(run)
            let afterClaim = ContinuousClock.now
            let outcome = try await replayEngine.execute(claimed)
            let finished = ContinuousClock.now
            guard case .parked = outcome else { throw BenchError.unexpected("replayed run ended \(outcome), expected parked") }
            claimTimes.append(seconds(afterClaim - started) * 1e3)
            executeTimes.append(seconds(finished - afterClaim) * 1e3)
            totalTimes.append(seconds(finished - started) * 1e3)
        }
        let replayCPUEach = (cpuSeconds() - replayCPU) * 1e3 / Double(options.replayRuns)
        try expect(try replayStore.history(of: run).count == history.count, "replay appended events")
        let replay = median(totalTimes)
        print(
            "replay of a \(grouped(history.count))-event history (claim + execute, parks again): \(format(millis: replay)) median of \(options.replayRuns) "
                + "(claim incl. read+decode \(format(millis: median(claimTimes))), execute \(format(millis: median(executeTimes))); "
                + "min \(format(millis: totalTimes.min()!)), max \(format(millis: totalTimes.max()!)); CPU \(format(millis: replayCPUEach)) each)"
                + (history.count >= 10_000 ? "   target < 30 ms  \(verdict(replay < 30))" : " (the < 30 ms target is for 10,000 events)"))

        var decodeTimes: [Double] = []
        for _ in 0..<options.replayRuns {
            let (events, time) = try await timed { try replayStore.history(of: run) }
            try expect(events.count == history.count, "decode gave \(events.count) events")
            decodeTimes.append(seconds(time) * 1e3)
        }
        let decode = median(decodeTimes)
        print(
            "history decode only (store.history(of:)): \(format(millis: decode)) median of \(options.replayRuns) "
                + "(\(grouped(history.count)) events, \(format(micros: decode * 1e3 / Double(history.count))) per event, "
                + "\(String(format: "%.0f", Double(bytes) / 1e6 / (decode / 1e3))) MB/s)")

        print("peak RSS (VmHWM): \(peakRSS())")
        if options.keep || options.directory != nil { print("state kept in \(root)") }
    }

    /// `COUNT` closed one-activity runs, for timing `signalroom workflow list`.
    static func populate(directory: String, count: Int, prefix: String) async throws {
        let engine = makeEngine(root: directory)
        let (_, time) = try await timed {
            for index in 0..<count {
                let outcome = try await startAndExecute(engine, id: "\(prefix)-\(index)", input: .init(activities: 1))
                try expect(outcome == .completed(.int(0)), "run \(index) ended \(outcome)")
            }
        }
        print(
            "populated \(directory) with \(grouped(count)) closed one-activity runs in \(String(format: "%.1f", seconds(time))) s "
                + "(\(grouped(Double(count) / seconds(time))) workflows/s, \(format(millis: seconds(time) * 1e3 / Double(count))) each)")
    }

    /// One workflow of `count` activities, nothing else: a steady loop to put under a profiler.
    static func sequentialLoop(count: Int) async throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let engine = makeEngine(root: root)
        let cpu = cpuSeconds()
        let (_, time) = try await timed {
            try await startAndExecute(engine, id: "bench-sequential", input: .init(activities: count))
        }
        print(
            "sequential-loop: \(grouped(count)) activities, \(format(micros: seconds(time) * 1e6 / Double(count))) each, "
                + "CPU \(format(micros: (cpuSeconds() - cpu) * 1e6 / Double(count))) each")
    }

    /// Builds the replay history once, then replays it `times` times: a steady loop to put
    /// under a profiler.
    static func replayLoop(times: Int) async throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let engine = makeEngine(root: root)
        let run = try await buildParkedRun(engine, activities: 3_333)
        var totals: [Double] = []
        for _ in 0..<times {
            let (_, time) = try await timed { try await engine.execute(try engine.claim(run)) }
            totals.append(seconds(time) * 1e3)
        }
        print("replay-loop: \(times) replays, median \(format(millis: median(totals)))")
    }

    // MARK: Workflows

    static func makeEngine(root: String) -> WorkflowEngine {
        makeEngine(store: FileHistoryStore(root: URL(fileURLWithPath: root)))
    }

    static func makeEngine(store: any HistoryStore) -> WorkflowEngine {
        var registry = WorkflowRegistry()
        registry.register(workflow: LoopWorkflow.self)
        registry.register(activity: NoopActivity())
        return WorkflowEngine(store: store, registry: registry)
    }

    static func startAndExecute(_ engine: WorkflowEngine, id: String, input: LoopWorkflow.Input) async throws -> RunOutcome {
        let claimed = try engine.start(workflowType: LoopWorkflow.name, workflowId: id, input: try JSONValue(encoding: input))
        return try await engine.execute(claimed)
    }

    static func buildParkedRun(_ engine: WorkflowEngine, activities: Int) async throws -> RunReference {
        let claimed = try engine.start(
            workflowType: LoopWorkflow.name, workflowId: "bench-replay",
            input: try JSONValue(encoding: LoopWorkflow.Input(activities: activities, parkSeconds: 3600)))
        let run = claimed.run
        let outcome = try await engine.execute(claimed)
        guard case .parked = outcome else { throw BenchError.unexpected("replay run ended \(outcome), expected parked") }
        return run
    }

    static func expectedSum(_ count: Int) -> Int { count * (count - 1) / 2 }

    // MARK: Measuring

    /// User + system CPU time of this process so far, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    static func timedSync<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let result = try body()
        return (result, ContinuousClock.now - start)
    }

    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, ContinuousClock.now - start)
    }

    /// Median time of appending 200 bytes and `fdatasync`, what each durable step costs at least.
    static func fsyncFloor(directory: String) throws -> Double {
        let path = directory + "/fsync-probe"
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BenchError.unexpected("cannot open \(path)") }
        defer { close(descriptor); unlink(path) }
        let line = [UInt8](repeating: 0x61, count: 199) + [0x0A]
        var samples: [Double] = []
        for _ in 0..<220 {
            let start = ContinuousClock.now
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count, fdatasync(descriptor) == 0 else { throw BenchError.unexpected("write/fdatasync failed") }
            samples.append(seconds(ContinuousClock.now - start) * 1e6)
        }
        return median(Array(samples.dropFirst(20)))
    }

    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return "unknown" }
        let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        return String(format: "%.1f MB", Double(kilobytes) / 1024)
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array(((NSTemporaryDirectory() as NSString).appendingPathComponent("signalroom-bench-XXXXXX")).utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard made else { throw BenchError.unexpected("cannot create a temporary directory") }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw BenchError.unexpected(message()) }
    }

    // MARK: Formatting

    static func seconds(_ duration: Duration) -> Double { duration.seconds }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func grouped(_ value: Double) -> String { grouped(Int(value.rounded())) }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func format(micros: Double) -> String { micros < 10 ? String(format: "%.1f µs", micros) : "\(grouped(micros)) µs" }
    static func format(millis: Double) -> String { millis < 100 ? String(format: "%.1f ms", millis) : "\(grouped(millis)) ms" }
    static func format(bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    static func verdict(_ met: Bool) -> String { met ? "OK" : "MISSED" }
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case unexpected(String)

    var description: String {
        switch self {
        case .usage(let text): "usage: \(text)"
        case .unexpected(let text): text
        }
    }
}

/// The cheapest possible activity: returns its input.
struct NoopActivity: Activity {
    static let name = "bench.noop"
    func run(context: ActivityContext, input: Int) async throws -> Int { input }
}

/// Runs `activities` no-op activities one after another, then optionally parks on a long timer.
struct LoopWorkflow: Workflow {
    static let name = "bench.loop"

    struct Input: Codable, Sendable {
        var activities: Int
        var parkSeconds: Int?
    }

    func run(context: WorkflowContext, input: Input) async throws -> Int {
        var sum = 0
        for index in 0..<input.activities {
            sum &+= try await context.executeActivity(NoopActivity.self, input: index)
        }
        if let parkSeconds = input.parkSeconds {
            try await context.sleep(for: .seconds(parkSeconds))
        }
        return sum
    }
}

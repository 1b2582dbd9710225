import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomStatePostgres

/// `signalroom-bench state-postgres URL`: the engine's durable activities against the
/// PostgreSQL state beside the file store, in the same run: one workflow of N activities,
/// and W workflows × K activities (start → execute each), plus the state's own floor, one
/// committed one-row transaction on the same connection (the least an event can cost there).
enum PostgresStateBench {
    static func run(url: String, activities: Int, workflows: Int, perWorkflow: Int) async throws {
        let schema = "bench_" + UUID().uuidString.prefix(8).lowercased()
        let state = try PostgresState(url: url, schema: schema)
        defer { try? state.dropSchema() }
        let files = try Bench.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: files) }
        print("state-postgres: \(state.location), schema \(schema); files beside it in \(files)")

        let floor = try state.benchCommitFloor(samples: 500)
        print(
            "commit floor: a one-row INSERT in its own transaction (one round trip, one commit) on the state's connection: "
                + "\(Bench.format(micros: floor)) median of 500 (at one commit per activity, no store can beat \(Bench.grouped(1e6 / floor))/s on this server)"
        )
        let connect = try connectFloor(url: url, schema: schema)
        print(
            "connection floor: connect, authenticate (SCRAM) and check the schema version: \(Bench.format(millis: connect)) median of 20 "
                + "(what every command on the PostgreSQL state pays first)")

        for (name, store) in [
            ("files", FileHistoryStore(root: URL(fileURLWithPath: files)) as any HistoryStore), ("postgres", PostgresHistoryStore(state: state)),
        ] {
            let engine = Bench.makeEngine(store: store)
            let (single, singleTime) = try await Bench.timed {
                try await Bench.startAndExecute(engine, id: "bench-sequential", input: .init(activities: activities))
            }
            try Bench.expect(single == .completed(.int(Int64(Bench.expectedSum(activities)))), "\(name): sequential run ended \(single)")
            let singleRate = Double(activities) / Bench.seconds(singleTime)
            let (_, manyTime) = try await Bench.timed {
                for index in 0..<workflows {
                    let outcome = try await Bench.startAndExecute(engine, id: "bench-many-\(index)", input: .init(activities: perWorkflow))
                    try Bench.expect(outcome == .completed(.int(Int64(Bench.expectedSum(perWorkflow)))), "\(name): run \(index) ended \(outcome)")
                }
            }
            let manyRate = Double(workflows * perWorkflow) / Bench.seconds(manyTime)
            let target = name == "postgres" ? "   target ≥ 1,000/s  \(Bench.verdict(singleRate >= 1_000))" : ""
            print(
                "\(name): durable activity completions \(Bench.grouped(singleRate))/s (\(Bench.grouped(activities)) in one workflow)\(target); "
                    + "\(Bench.grouped(manyRate))/s (\(workflows) workflows × \(perWorkflow), \(Bench.format(millis: Bench.seconds(manyTime) * 1e3 / Double(workflows))) per workflow)"
                    + (name == "postgres"
                        ? "; each append is BEGIN, one statement and COMMIT sent at once: \(Bench.format(micros: 1e6 / singleRate)) an activity, \(String(format: "%.1f", 1e6 / singleRate / floor))× the floor"
                        : ""))
        }
    }

    /// Median milliseconds of opening the state as a command does.
    static func connectFloor(url: String, schema: String) throws -> Double {
        var times: [Double] = []
        for _ in 0..<20 {
            let (_, time) = try Bench.timedSync { _ = try PostgresState(url: url, schema: schema) }
            times.append(Bench.seconds(time) * 1e3)
        }
        return Bench.median(times)
    }

    /// `signalroom-bench state-postgres-list URL SCHEMA`: `workflow list --limit 20`'s query alone.
    static func listQuery(url: String, schema: String) throws {
        let micros = try PostgresState(url: url, schema: schema).benchNewestClosedRuns(samples: 50)
        print("  (its query alone, the 20 newest closed runs, on an open connection: \(Bench.format(micros: micros)) median of 50)")
    }

    /// `signalroom-bench state-postgres-host URL SCHEMA PREFIX W K`: one "host" running W
    /// workflows of K activities on the shared state; prints its activities/s.
    static func host(url: String, schema: String, prefix: String, workflows: Int, perWorkflow: Int) async throws {
        let engine = Bench.makeEngine(store: try PostgresHistoryStore(url: url, schema: schema))
        let (_, time) = try await Bench.timed {
            for index in 0..<workflows {
                let outcome = try await Bench.startAndExecute(engine, id: "\(prefix)-\(index)", input: .init(activities: perWorkflow))
                try Bench.expect(outcome == .completed(.int(Int64(Bench.expectedSum(perWorkflow)))), "run \(index) ended \(outcome)")
            }
        }
        print(String(format: "%.1f", Double(workflows * perWorkflow) / Bench.seconds(time)))
    }
}

import Foundation
import SignalRoomEngine

/// One greeting step of the demo, with the misbehaviour its input asks for.
public struct DemoStepActivity: Activity {
    public static let name = "DemoStep"

    public init() {}

    public struct Behaviour: Codable, Sendable {
        var failTimes: Int
        var failNonRetryable: Bool
        var slowSeconds: Double
        var slowTimes: Int
        var ticks: Int
        var tickMillis: Int
        /// Fail while this file exists (a stand-in for a service that is down until someone
        /// fixes it). Absent from the recorded input when unset, as before it existed.
        var failWhileExists: String? = nil
    }

    public struct Input: Codable, Sendable {
        var step: Int
        var name: String
        var behaviour: Behaviour
        var journal: String?
    }

    struct TickProgress: Codable { var completedTicks: Int }

    public func run(context: ActivityContext, input: Input) async throws -> String {
        let journal = DemoJournal(path: input.journal)
        let tag = "step=\(input.step) attempt=\(context.attempt) pid=\(ProcessInfo.processInfo.processIdentifier)"
        journal.write("start \(tag)")
        let behaviour = input.behaviour
        if behaviour.slowSeconds > 0, context.attempt <= behaviour.slowTimes {
            do {
                try await Task.sleep(for: .milliseconds(Int64(behaviour.slowSeconds * 1000)))
            } catch {
                journal.write("cancelled \(tag)")
                throw error
            }
        }
        if behaviour.ticks > 0 {
            let first = context.lastHeartbeatDetails(as: TickProgress.self)?.completedTicks ?? 0
            for tick in first..<behaviour.ticks {
                try await Task.sleep(for: .milliseconds(Int64(behaviour.tickMillis)))
                journal.write("tick \(tick) \(tag)")
                try await context.heartbeat(TickProgress(completedTicks: tick + 1))
            }
        }
        if let path = behaviour.failWhileExists, FileManager.default.fileExists(atPath: path) {
            journal.write("fail \(tag)")
            throw ApplicationError(
                "step \(input.step) failed on attempt \(context.attempt): \(path) exists", type: "DemoFailure",
                isNonRetryable: behaviour.failNonRetryable)
        }
        if context.attempt <= behaviour.failTimes {
            journal.write("fail \(tag)")
            throw ApplicationError(
                "step \(input.step) failed on attempt \(context.attempt) (told to fail \(behaviour.failTimes) times)",
                type: "DemoFailure", isNonRetryable: behaviour.failNonRetryable)
        }
        journal.write("done \(tag)")
        return "Hello, \(input.name), from step \(input.step)"
    }
}

/// The demo's last step: sums up the greetings.
public struct DemoSummaryActivity: Activity {
    public static let name = "DemoSummarize"

    public init() {}

    public struct Input: Codable, Sendable {
        var greetings: [String]
        var token: String
        var journal: String?
    }

    public func run(context: ActivityContext, input: Input) async throws -> String {
        let journal = DemoJournal(path: input.journal)
        journal.write("start step=summary attempt=\(context.attempt) pid=\(ProcessInfo.processInfo.processIdentifier)")
        journal.write("done step=summary attempt=\(context.attempt)")
        return "\(input.greetings.count) greetings, token \(input.token)"
    }
}

/// The side file tests read to count activity executions; one appended line per fact.
struct DemoJournal {
    let path: String?

    func write(_ line: String) {
        guard let path else { return }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }
}

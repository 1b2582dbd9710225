import Foundation
import SignalRoomCore

/// The workflow's only window on the world. Every value it gives is recorded in or
/// derived from the history, so a replay sees exactly what the first execution saw.
public final class WorkflowContext: Sendable {
    public struct Info: Sendable {
        public var workflowId: String
        public var runId: String
        public var workflowType: String
        /// The schedule and fire time that started this run, if a schedule did.
        public var schedule: ScheduleAttribution?
    }

    public let info: Info
    let execution: RunExecution

    init(info: Info, execution: RunExecution) {
        self.info = info
        self.execution = execution
    }

    /// The time of the latest event the workflow has seen (its start, then each activity
    /// result or timer): deterministic, unlike `Date()`.
    public var now: Date { execution.state.now }

    /// True while the workflow re-runs commands whose results are already in the history.
    public var isReplaying: Bool { execution.state.isReplaying }

    /// A deterministic random number from the run's recorded seed.
    public func random() -> UInt64 { execution.state.nextRandom() }

    /// A deterministic random value in `range`.
    public func random(in range: ClosedRange<Int>) -> Int {
        var generator = SeededGenerator(state: execution.state)
        return Int.random(in: range, using: &generator)
    }

    /// A deterministic version 4 UUID.
    public func uuid() -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for half in 0..<2 {
            let value = random()
            for index in 0..<8 { bytes[half * 8 + index] = UInt8((value >> (UInt64(index) * 8)) & 0xFF) }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// A logger that stays quiet while the workflow replays, so each line appears once.
    public var logger: WorkflowLogger { WorkflowLogger(context: self) }

    /// Runs an activity durably: on replay a completed activity returns its recorded
    /// result without running again; failures are retried by `options.retryPolicy`.
    /// Throws `ActivityFailure` once it has failed for good, `CanceledError` when the
    /// workflow was cancelled.
    public func executeActivity<A: Activity>(
        _ activity: A.Type, options: ActivityOptions = ActivityOptions(),
        input: A.Input
    ) async throws -> A.Output {
        let payload = try JSONValue(encoding: input)
        let result = try await execution.executeActivity(type: A.name, input: payload, options: options)
        return try result.decode(A.Output.self)
    }

    /// A durable timer: short waits are slept, long ones park the run until a later
    /// invocation resumes it at or after the fire time.
    public func sleep(for duration: Duration) async throws {
        try await execution.sleep(for: duration)
    }
}

/// Writes through the engine's log sink, skipping lines while the workflow replays.
public struct WorkflowLogger: Sendable {
    let context: WorkflowContext

    public func log(_ level: LogRecord.Level, _ message: String, metadata: [String: String] = [:]) {
        guard !context.isReplaying else { return }
        var metadata = metadata
        metadata["workflow_id"] = context.info.workflowId
        metadata["run_id"] = context.info.runId
        context.execution.configuration.log(LogRecord(level: level, message: message, metadata: metadata))
    }

    public func debug(_ message: String, metadata: [String: String] = [:]) { log(.debug, message, metadata: metadata) }
    public func info(_ message: String, metadata: [String: String] = [:]) { log(.info, message, metadata: metadata) }
    public func warning(_ message: String, metadata: [String: String] = [:]) { log(.warning, message, metadata: metadata) }
    public func error(_ message: String, metadata: [String: String] = [:]) { log(.error, message, metadata: metadata) }
}

private struct SeededGenerator: RandomNumberGenerator {
    let state: DeterministicState
    mutating func next() -> UInt64 { state.nextRandom() }
}

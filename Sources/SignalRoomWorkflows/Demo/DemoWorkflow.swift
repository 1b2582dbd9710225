import Foundation
import SignalRoomCore
import SignalRoomEngine

/// A workflow to exercise the engine end to end before real workflows exist: a few
/// greeting steps (any of which can be told to fail, to be slow or to heartbeat), an
/// optional durable timer, and a summary step.
///
/// `signalroom workflow start demo --input '{"steps":3,"failStep":2,"failTimes":1}'`
public struct DemoWorkflow: Workflow {
    public static let name = "demo"

    public init() {}

    public struct Output: Codable, Sendable, Equatable {
        public var greetings: [String]
        public var summary: String
        /// Drawn from `context.uuid()`: the same across crashes and replays of one run.
        public var token: String
        /// `context.now` at the start: the run's recorded start time.
        public var startedAt: String
    }

    public func run(context: WorkflowContext, input: DemoInput) async throws -> Output {
        let startedAt = Timestamp.format(context.now)
        context.logger.info("demo started", metadata: ["steps": String(input.steps)])
        var greetings: [String] = []
        for step in 1...input.steps {
            let greeting = try await context.executeActivity(
                DemoStepActivity.self, options: input.activityOptions,
                input: DemoStepActivity.Input(step: step, name: input.name, behaviour: input.behaviour(of: step), journal: input.journal))
            greetings.append(greeting)
            if step == 1, input.timerSeconds > 0 {
                try await context.sleep(for: .milliseconds(Int64(input.timerSeconds * 1000)))
            }
        }
        let token = context.uuid().uuidString.lowercased()
        let summary = try await context.executeActivity(
            DemoSummaryActivity.self, options: input.activityOptions,
            input: DemoSummaryActivity.Input(greetings: greetings, token: token, journal: input.journal))
        return Output(greetings: greetings, summary: summary, token: token, startedAt: startedAt)
    }
}

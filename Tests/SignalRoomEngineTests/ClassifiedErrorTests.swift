import Foundation
import SignalRoomCore
import Testing
@testable import SignalRoomEngine

/// A part's own error type (not ApplicationError), as a connector or a warehouse throws it.
struct ServiceBusy: RetryClassifiedError {
    var isRetryable: Bool
    var failureType: String { isRetryable ? "Throttled" : "Refused" }
    var retryAfter: Double? { isRetryable ? 0.3 : nil }
    var description: String { isRetryable ? "the service asked to wait" : "the service refused the key" }
}

/// Throws `ServiceBusy` on its first attempt, retryable or not as its input says.
struct BusyOnce: Activity {
    static let name = "test.busy-once"
    func run(context: ActivityContext, input: Bool) async throws -> String {
        if context.attempt == 1 { throw ServiceBusy(isRetryable: input) }
        return "done on attempt \(context.attempt)"
    }
}

struct CallsBusyOnce: Workflow {
    static let name = "test.calls-busy-once"
    func run(context: WorkflowContext, input: Bool) async throws -> String {
        let policy = RetryPolicy(initialInterval: .milliseconds(10), maximumAttempts: 3)
        return try await context.executeActivity(BusyOnce.self, options: ActivityOptions(retryPolicy: policy), input: input)
    }
}

/// The engine reads any `RetryClassifiedError` as it reads `ApplicationError`: its type and
/// retry flag go into the history, and its `retryAfter` replaces the policy's interval.
@Suite struct ClassifiedErrorTests {
    private func engine(_ root: URL) -> WorkflowEngine {
        var registry = WorkflowRegistry()
        registry.register(workflow: CallsBusyOnce.self)
        registry.register(activity: BusyOnce())
        return WorkflowEngine(
            store: FileHistoryStore(root: root), registry: registry,
            configuration: EngineConfiguration(parkThreshold: .seconds(5), pollInterval: .milliseconds(20)))
    }

    private func failedAttempts(_ engine: WorkflowEngine, _ run: RunReference) throws -> [(HistoryEvent, ActivityTaskFailed)] {
        try engine.store.history(of: run).compactMap { event in
            if case .activityTaskFailed(let failed) = event.attributes { return (event, failed) }
            return nil
        }
    }

    @Test func aClassifiedErrorsRetryAfterIsTheNextAttemptsDelay() async throws {
        try await withTemporaryDirectory { root in
            let engine = engine(root)
            let claimed = try engine.start(workflowType: CallsBusyOnce.name, workflowId: "busy", input: .bool(true))
            let run = claimed.run
            #expect(try await engine.execute(claimed) == .completed(.string("done on attempt 2")))
            let failures = try failedAttempts(engine, run)
            #expect(failures.count == 1)
            let (event, failed) = try #require(failures.first)
            #expect(failed.failure.type == "Throttled" && !failed.failure.nonRetryable)
            let next = try #require(failed.nextAttemptTime)
            #expect(abs(next.timeIntervalSince(event.time) - 0.3) < 0.005, "retryAfter, not the policy's 10 ms")
        }
    }

    @Test func aNonRetryableClassifiedErrorIsNotRetried() async throws {
        try await withTemporaryDirectory { root in
            let engine = engine(root)
            let claimed = try engine.start(workflowType: CallsBusyOnce.name, workflowId: "refused", input: .bool(false))
            let run = claimed.run
            guard case .failed(let failure) = try await engine.execute(claimed) else {
                Issue.record("expected the run to fail")
                return
            }
            #expect(failure.rootCause.type == "Refused" && failure.rootCause.message == "the service refused the key")
            #expect(try failedAttempts(engine, run).map(\.1.retryState) == [.nonRetryableFailure])
        }
    }
}

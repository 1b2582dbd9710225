/// Thrown into workflow code when an activity has failed for good: its retries are
/// exhausted, its error was non-retryable, or its schedule-to-close timeout passed.
public struct ActivityFailure: Error, Sendable, CustomStringConvertible {
    public var activityType: String
    public var attempt: Int
    public var retryState: RetryState
    public var failure: Failure

    public var description: String {
        "activity \(activityType) failed after \(attempt) attempt\(attempt == 1 ? "" : "s") (\(retryState.rawValue)): \(failure.message)"
    }
}

/// Thrown into workflow code when its run was cancelled; a workflow that lets it escape
/// closes as `WorkflowExecutionCanceled`.
public struct CanceledError: Error, Sendable, CustomStringConvertible {
    public var description: String { "the workflow run was cancelled" }
}

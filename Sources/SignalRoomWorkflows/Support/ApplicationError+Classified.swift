import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines

extension ApplicationError {
    /// A pipelines, connectors or reports error as the engine records it: its text, its
    /// failure type (what retry policies match on), whether retrying can help, and the wait
    /// a service asked for (`Retry-After`), which replaces the policy's next interval.
    init(classified error: any RetryClassifiedError) {
        self.init(error.description, type: error.failureType, isNonRetryable: !error.isRetryable,
                  nextRetryDelay: error.retryAfter.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) })
    }
}

import SignalRoomEngine
import SignalRoomPipelines

extension ApplicationError {
    /// A pipelines, connectors or reports error as the engine records it: its text, its
    /// failure type (what retry policies match on) and whether retrying can help.
    init(classified error: any RetryClassifiedError) {
        self.init(error.description, type: error.failureType, isNonRetryable: !error.isRetryable)
    }
}

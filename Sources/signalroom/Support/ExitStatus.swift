import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomRuntime
import SignalRoomStatePostgres
import SignalRoomWorkflows

/// The documented exit codes (see `signalroom --help`).
enum ExitStatus: Int32 {
    case success = 0
    case workflowUnsuccessful = 1
    case usage = 2
    case conflict = 3
    case notFound = 4
    case parked = 5
    case stateDamaged = 6
    case internalError = 70
}

/// An error as the CLI reports it: one line and an exit code.
struct CommandFailure: Error {
    var message: String
    var code: ExitStatus

    init(_ message: String, code: ExitStatus) {
        self.message = message
        self.code = code
    }

    /// Classifies errors from the engine and the store; nil for ArgumentParser's own.
    init?(_ error: Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let failure as WorkflowStoreError:
            let code: ExitStatus =
                switch failure {
                case .invalidWorkflowId: .usage
                case .alreadyRunning, .alreadyUsed, .runLocked, .alreadyClosed, .notDamaged: .conflict
                case .notFound, .runNotFound: .notFound
                case .io: .stateDamaged
                }
            self.init(failure.description, code: code)
        case let failure as SourceConfigurationError:
            self.init(failure.description, code: .usage)
        case let failure as RetryClassifiedError:
            self.init(failure.description, code: failure.failureType == "ConfigurationError" ? .usage : .workflowUnsuccessful)
        case let failure as HistoryDamagedError:
            self.init(failure.description, code: .stateDamaged)
        case let failure as PostgresStateError:
            // Unreachable, refused, a newer schema, a lost lease: the state cannot be used now.
            if case .invalidURL = failure {
                self.init(failure.description, code: .usage)
            } else {
                self.init(failure.description, code: .stateDamaged)
            }
        case let failure as EngineError:
            if case .internalInconsistency = failure {
                self.init(failure.description, code: .internalError)
            } else {
                self.init(failure.description, code: .usage)
            }
        default:
            return nil
        }
    }
}

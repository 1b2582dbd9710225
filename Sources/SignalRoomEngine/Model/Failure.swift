import Foundation
import SignalRoomCore

/// A failure as histories record it: what went wrong, its type name (what retry policies
/// match against), whether it may be retried, and the failure that caused it.
public struct Failure: Sendable, Hashable, Codable {
    public var message: String
    /// The error's type name, e.g. `InvalidInput`, `WorkerDied`, `StartToCloseTimeout`.
    public var type: String
    public var nonRetryable: Bool
    private var causes: [Failure]

    public init(message: String, type: String, nonRetryable: Bool = false, cause: Failure? = nil) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
        self.causes = cause.map { [$0] } ?? []
    }

    public var cause: Failure? { causes.first }

    /// The deepest failure in the chain: usually the one a person needs to read.
    public var rootCause: Failure { cause?.rootCause ?? self }

    /// Describes any error the way histories store it, keeping a classified error's type and
    /// retry flag (`ApplicationError` or any part's own) and using the Swift type name of
    /// anything else.
    public init(describing error: Error) {
        switch error {
        case let failure as RetryClassifiedError:
            self.init(message: failure.description, type: failure.failureType, nonRetryable: !failure.isRetryable)
        case let failure as ActivityFailure:
            self.init(message: failure.description, type: "ActivityFailure", cause: failure.failure)
        case let failure as NonDeterminismError:
            self.init(message: failure.description, type: "NonDeterminismError", nonRetryable: true)
        case is CancellationError:
            self.init(message: "the operation was cancelled", type: "CanceledError")
        default:
            self.init(message: String(describing: error), type: String(describing: Swift.type(of: error)))
        }
    }

    /// The same failure with every message in the chain passed through `redact`.
    public func redacted(with redact: (String) -> String) -> Failure {
        Failure(message: redact(message), type: type, nonRetryable: nonRetryable, cause: cause?.redacted(with: redact))
    }

    public init(from decoder: Decoder) throws {
        try self.init(json: try JSONObjectReader(try JSONValue(from: decoder), context: "Failure"))
    }

    public func encode(to encoder: Encoder) throws {
        try json.encode(to: encoder)
    }
}

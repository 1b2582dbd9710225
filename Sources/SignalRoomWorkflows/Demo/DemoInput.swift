import Foundation
import SignalRoomEngine

/// The demo workflow's input. Every field is optional; unknown fields are rejected so a
/// typo does not silently run the default.
public struct DemoInput: Codable, Sendable {
    public var name = "world"
    /// Greeting steps, 1 to 100.
    public var steps = 3
    /// The step that fails on its first `failTimes` attempts (non-retryably if asked).
    public var failStep: Int?
    public var failTimes = 0
    public var failNonRetryable = false
    /// `failStep` fails while this file exists (instead of on its first attempts).
    public var failWhileExists: String?
    /// The step that sleeps `slowSeconds` on its first `slowTimes` attempts.
    public var slowStep: Int?
    public var slowSeconds = 0.0
    public var slowTimes = 1
    /// The step that does `ticks` units of work of `tickMillis` each, heartbeating its
    /// progress so a later attempt resumes after the last finished tick.
    public var tickStep: Int?
    public var ticks = 0
    public var tickMillis = 100
    /// A durable timer after step 1.
    public var timerSeconds = 0.0
    public var startToCloseSeconds = 60.0
    public var heartbeatTimeoutSeconds: Double?
    public var retryInitialSeconds = 1.0
    public var maximumAttempts = 5
    /// A file each activity execution appends a line to (for tests and demos).
    public var journal: String?

    public init() {}

    var activityOptions: ActivityOptions {
        ActivityOptions(
            startToCloseTimeout: .milliseconds(Int64(startToCloseSeconds * 1000)),
            heartbeatTimeout: heartbeatTimeoutSeconds.map { .milliseconds(Int64($0 * 1000)) },
            retryPolicy: RetryPolicy(
                initialInterval: .milliseconds(Int64(retryInitialSeconds * 1000)), backoffCoefficient: 2,
                maximumInterval: .seconds(300), maximumAttempts: maximumAttempts,
                nonRetryableErrorTypes: RetryPolicy.default.nonRetryableErrorTypes))
    }

    func behaviour(of step: Int) -> DemoStepActivity.Behaviour {
        DemoStepActivity.Behaviour(
            failTimes: failStep == step ? failTimes : 0, failNonRetryable: failNonRetryable,
            slowSeconds: slowStep == step ? slowSeconds : 0, slowTimes: slowTimes,
            ticks: tickStep == step ? ticks : 0, tickMillis: tickMillis, failWhileExists: failStep == step ? failWhileExists : nil)
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let fields = [
        "name", "steps", "failStep", "failTimes", "failNonRetryable", "failWhileExists", "slowStep", "slowSeconds",
        "slowTimes", "tickStep", "ticks", "tickMillis", "timerSeconds", "startToCloseSeconds",
        "heartbeatTimeoutSeconds", "retryInitialSeconds", "maximumAttempts", "journal",
    ]

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let unknown = container.allKeys.first(where: { !Self.fields.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: container,
                debugDescription: "unknown field `\(unknown.stringValue)`; known fields: \(Self.fields.joined(separator: ", "))")
        }
        func value<T: Decodable>(_ name: String, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: Key(stringValue: name)) ?? fallback
        }
        name = try value("name", name)
        steps = try value("steps", steps)
        failStep = try value("failStep", failStep)
        failTimes = try value("failTimes", failTimes)
        failNonRetryable = try value("failNonRetryable", failNonRetryable)
        failWhileExists = try value("failWhileExists", failWhileExists)
        slowStep = try value("slowStep", slowStep)
        slowSeconds = try value("slowSeconds", slowSeconds)
        slowTimes = try value("slowTimes", slowTimes)
        tickStep = try value("tickStep", tickStep)
        ticks = try value("ticks", ticks)
        tickMillis = try value("tickMillis", tickMillis)
        timerSeconds = try value("timerSeconds", timerSeconds)
        startToCloseSeconds = try value("startToCloseSeconds", startToCloseSeconds)
        heartbeatTimeoutSeconds = try value("heartbeatTimeoutSeconds", heartbeatTimeoutSeconds)
        retryInitialSeconds = try value("retryInitialSeconds", retryInitialSeconds)
        maximumAttempts = try value("maximumAttempts", maximumAttempts)
        journal = try value("journal", journal)
        guard (1...100).contains(steps) else {
            throw DecodingError.dataCorruptedError(
                forKey: Key(stringValue: "steps"), in: container,
                debugDescription: "`steps` is \(steps); give 1 to 100")
        }
        guard startToCloseSeconds > 0, retryInitialSeconds >= 0, maximumAttempts >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: Key(stringValue: "startToCloseSeconds"), in: container,
                debugDescription: "timeouts must be positive and retry settings not negative")
        }
    }
}

/// Why a duration such as a catch-up window, jitter or retention was refused.
///
/// `description` is one line, e.g. "duration `15x`: `x` is not a unit; allowed s, m, h, d, w
/// (e.g. 30s, 15m, 24h, 7d, 2w, 1h30m)".
public struct ScheduleDurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    public var description: String {
        "duration `\(text)`: \(problem); allowed \(ScheduleDuration.allowed)"
    }
}

/// One failed HTTP attempt that the client is about to retry, for the caller's log: the
/// process decides where it goes (the CLI logs it at `warning`), this target never prints.
public struct HTTPRetry: Sendable, Equatable {
    public var service: String
    /// The URL, secrets masked.
    public var url: String
    /// The attempt that failed (1 for the first) and how many the client makes in all.
    public var attempt: Int
    public var maximumAttempts: Int
    /// Why it failed, one line, secrets masked.
    public var reason: String
    /// Seconds until the next attempt (the server's `Retry-After` when it sent one).
    public var delay: Double

    /// "Everflow: attempt 1 of 4 failed (…); retrying in 1.1 s".
    public var message: String {
        "\(service): attempt \(attempt) of \(maximumAttempts) failed (\(reason)); retrying in \(String(format: "%.1f", delay)) s"
    }
}

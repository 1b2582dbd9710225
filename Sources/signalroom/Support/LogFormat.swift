/// The shape of log lines on stderr (`--log-format`, `SIGNALROOM_LOG_FORMAT`).
enum LogFormat: String, CaseIterable, Sendable {
    /// One line a person reads.
    case text
    /// One JSON object a line, for log collectors.
    case json

    /// "text or json", for help and errors.
    static var allowed: String { allCases.map(\.rawValue).joined(separator: " or ") }
}

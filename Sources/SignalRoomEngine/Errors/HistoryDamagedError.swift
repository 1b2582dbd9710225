/// A history file that cannot be read: a damaged line that is not the torn last line of an
/// interrupted append, or events out of sequence. Only the run it belongs to is affected.
public struct HistoryDamagedError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var reason: String

    package init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "history \(path) is damaged at line \(line): \(reason); this run cannot continue; "
            + "restore the file from a backup, or close the run with `signalroom workflow terminate \(workflowId) --reason …` "
            + "(the damaged file is kept aside)"
    }

    /// The id the history belongs to: its directory's name (`workflows/<id>/<run>.jsonl`).
    var workflowId: String {
        let parts = path.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : "ID"
    }
}

/// The workflow's code issued a command that does not match its recorded history, so the
/// history can no longer be replayed. Names the event and both sides of the mismatch.
public struct NonDeterminismError: Error, Sendable, CustomStringConvertible {
    public var eventId: Int?
    public var recorded: String
    public var issued: String

    public var description: String {
        let place = eventId.map { "event \($0)" } ?? "the end of the history"
        return "non-determinism at \(place): history has \(recorded), but the workflow code now issues \(issued); "
            + "the workflow's code changed while this run was open, so the run fails; start a new run, and deploy "
            + "code changes only when no runs of this type are open"
    }
}

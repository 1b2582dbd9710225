/// The workflow's code issued a command that does not match its recorded history, so the
/// history can no longer be replayed. Names the event and both sides of the mismatch.
public struct NonDeterminismError: Error, Sendable, CustomStringConvertible {
    public var eventId: Int?
    public var recorded: String
    public var issued: String

    public var description: String {
        let place = eventId.map { "event \($0)" } ?? "the end of the history"
        return "non-determinism at \(place): history has \(recorded), but the workflow code now issues \(issued); "
            + "the code changed under a running workflow; terminate the run or restore the previous code"
    }
}

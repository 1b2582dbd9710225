import SignalRoomCore
/// Which attempts of each activity moved its heartbeat checkpoint: recorded details other
/// than those the attempt started from. An attempt that started without a checkpoint only
/// sets one with its first heartbeat (a load recording its id before any request is not yet
/// progress); a later, different one is progress.
///
/// An attempt that moved its checkpoint did work the next attempt keeps, so it does not
/// count towards the retry policy's `maximumAttempts`: a load whose process is killed five
/// times while it commits chunks is not given up after five deaths, while an attempt that
/// fails without getting further counts, as in Temporal. Backoff restarts likewise.
struct CheckpointProgress: Sendable {
    private var latest: [Int: JSONValue] = [:]
    private var atStart: [Int: JSONValue] = [:]
    private var progressed: [Int: Set<Int>] = [:]

    mutating func attemptStarted(_ scheduledEventId: Int) {
        atStart[scheduledEventId] = latest[scheduledEventId]
    }

    mutating func heartbeat(_ scheduledEventId: Int, attempt: Int, details: JSONValue) {
        if let baseline = atStart[scheduledEventId] {
            if details != baseline { progressed[scheduledEventId, default: []].insert(attempt) }
        } else {
            atStart[scheduledEventId] = details
        }
        latest[scheduledEventId] = details
    }

    /// The attempts up to `attempt` that count towards the policy: those that did not
    /// move the checkpoint.
    func countedAttempts(_ scheduledEventId: Int, through attempt: Int) -> Int {
        attempt - (progressed[scheduledEventId]?.filter { $0 <= attempt }.count ?? 0)
    }
}

import Testing
@testable import SignalRoomEngine

/// An attempt counts towards `maximumAttempts` unless it moved its heartbeat checkpoint.
@Suite struct CheckpointProgressTests {
    @Test func anAttemptThatMovedItsCheckpointDoesNotCount() {
        var progress = CheckpointProgress()
        progress.attemptStarted(2)
        progress.heartbeat(2, attempt: 1, details: .int(1))
        progress.heartbeat(2, attempt: 1, details: .int(2))
        progress.attemptStarted(2)
        progress.heartbeat(2, attempt: 2, details: .int(3))
        #expect(progress.countedAttempts(2, through: 2) == 0)
    }

    @Test func anAttemptsFirstCheckpointOnlySetsWhereItStands() {
        var progress = CheckpointProgress()
        progress.attemptStarted(2)
        progress.heartbeat(2, attempt: 1, details: .object(["load": .string("a")]))
        #expect(progress.countedAttempts(2, through: 1) == 1)
    }

    @Test func repeatingTheCheckpointItStartedFromIsNoProgress() {
        var progress = CheckpointProgress()
        progress.attemptStarted(2)
        progress.heartbeat(2, attempt: 1, details: .int(1))
        progress.heartbeat(2, attempt: 1, details: .int(2))
        for attempt in 2...4 {
            progress.attemptStarted(2)
            progress.heartbeat(2, attempt: attempt, details: .int(2))
        }
        #expect(progress.countedAttempts(2, through: 4) == 3, "attempt 1 moved it; 2, 3 and 4 did not")
    }

    @Test func activitiesAreCountedApart() {
        var progress = CheckpointProgress()
        progress.attemptStarted(2)
        progress.heartbeat(2, attempt: 1, details: .int(1))
        progress.heartbeat(2, attempt: 1, details: .int(2))
        progress.attemptStarted(5)
        #expect(progress.countedAttempts(5, through: 1) == 1)
    }
}

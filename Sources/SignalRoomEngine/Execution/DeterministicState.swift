import Foundation
import SignalRoomCore

/// The values workflow code reads synchronously (`now`, `random`, whether it is replaying),
/// kept consistent with the history by the run's journal. A lock rather than an actor
/// because workflow code reads them without `await`.
final class DeterministicState: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    private var replaying: Bool
    private var generator: SplitMix64

    init(time: Date, replaying: Bool, seed: UInt64) {
        self.time = time
        self.replaying = replaying
        self.generator = SplitMix64(seed: seed)
    }

    var now: Date { lock.withLock { time } }
    var isReplaying: Bool { lock.withLock { replaying } }

    func advance(to time: Date, replaying: Bool) {
        lock.withLock {
            self.time = time
            self.replaying = replaying
        }
    }

    func nextRandom() -> UInt64 { lock.withLock { generator.next() } }
}

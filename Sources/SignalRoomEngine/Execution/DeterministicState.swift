import Foundation

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

/// A small, fast, well-known generator; its sequence depends only on the recorded seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

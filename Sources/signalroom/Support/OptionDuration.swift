import Foundation
import SignalRoomCron

/// A duration as an option gave it: its value, and its spelling, which messages repeat as the
/// user wrote it (`2w`, not the `14d` that `ScheduleDuration` would print).
struct OptionDuration: Sendable, CustomStringConvertible {
    var text: String
    var duration: ScheduleDuration

    var seconds: TimeInterval { duration.timeInterval }
    var description: String { text }
}

extension OptionDuration {
    /// A default, spelled the shortest way (`50m`).
    init(seconds: Int) {
        let duration = ScheduleDuration(seconds: seconds)
        self.init(text: duration.description, duration: duration)
    }
}

import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomCron

/// Option values several commands take, parsed one way with one wording of the error.
enum OptionValues {
    /// An ISO 8601 instant given to `option`, or now when the option was not given. A day
    /// the calendar does not have (`2026-02-31`) is refused, not rolled over into March.
    static func instant(_ text: String?, option: String) throws -> Date {
        guard let text else { return Date() }
        guard let date = Timestamp.parse(text) else {
            throw CommandFailure("\(option) \"\(text)\" is not an ISO 8601 time on a calendar day, like 2026-11-25T07:00:00Z", code: .usage)
        }
        return date
    }

    /// A duration in the one grammar schedules.json uses too (`ScheduleDuration`: 30s, 15m,
    /// 1h30m, 7d, 2w); `option` names where it came from in the error.
    static func duration(_ text: String, option: String) throws -> TimeInterval {
        do {
            return try ScheduleDuration.seconds(text)
        } catch {
            throw CommandFailure("\(option) \"\(text)\": \(error)", code: .usage)
        }
    }

    /// How long closed runs are kept: `--retention`, else `SIGNALROOM_RETENTION`, else 30 days.
    static func retention(_ flag: String?, settings: Settings) throws -> (seconds: TimeInterval, text: String) {
        let text = flag ?? settings.retention
        return (try duration(text, option: flag == nil ? "SIGNALROOM_RETENTION" : "--retention"), text)
    }
}

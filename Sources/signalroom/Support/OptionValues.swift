import Foundation
import SignalRoomEngine

/// Option values several commands take, parsed one way with one wording of the error.
enum OptionValues {
    /// An ISO 8601 instant given to `option`, or now when the option was not given.
    static func instant(_ text: String?, option: String) throws -> Date {
        guard let text else { return Date() }
        guard let date = Timestamp.parse(text) else {
            throw CommandFailure("\(option) \"\(text)\" is not an ISO 8601 time like 2026-11-25T07:00:00Z", code: .usage)
        }
        return date
    }

    /// How long closed runs are kept: `--retention`, else `SIGNALROOM_RETENTION`, else 30 days.
    static func retention(_ flag: String?, settings: Settings) throws -> (seconds: TimeInterval, text: String) {
        let text = flag ?? settings.retention
        guard let seconds = DurationText.seconds(text) else {
            throw CommandFailure("retention \"\(text)\" is not a duration; write e.g. 30d, 12h, 90m or 45s", code: .usage)
        }
        return (seconds, text)
    }
}

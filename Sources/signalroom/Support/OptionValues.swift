import Foundation
import Logging
import SignalRoomCore
import SignalRoomCron
import SignalRoomWorkflows

/// How option values are read, one wording of each error for the flag and the environment
/// variable behind it. Options use these as `transform:`, so a bad value is a usage error
/// (exit 2) before anything runs; `source` names the flag or variable in the error.
enum OptionValues {
    /// An ISO 8601 instant. A day the calendar does not have (`2026-02-31`) is refused, not
    /// rolled over into March.
    static func instant(_ text: String, from source: String) throws(OptionValueError) -> Date {
        guard let date = Timestamp.parse(text) else {
            throw OptionValueError("\(source) \"\(text)\" is not an ISO 8601 time on a calendar day, like 2026-11-25T07:00:00Z")
        }
        return date
    }

    /// A duration in the one grammar schedules.json uses too (`ScheduleDuration`: 30s, 15m,
    /// 1h30m, 7d, 2w).
    static func duration(_ text: String, from source: String) throws(OptionValueError) -> OptionDuration {
        do {
            return OptionDuration(text: text, duration: try ScheduleDuration(parsing: text))
        } catch {
            throw OptionValueError("\(source) \"\(text)\": \(error)")
        }
    }

    /// A calendar day, `YYYY-MM-DD`.
    static func date(_ text: String, from source: String) throws(OptionValueError) -> CivilDate {
        guard let date = CivilDate(text) else { throw OptionValueError("\(source) \"\(text)\" is not a date; give YYYY-MM-DD") }
        return date
    }

    /// A log level by name, in any case.
    static func logLevel(_ text: String, from source: String) throws(OptionValueError) -> Logger.Level {
        guard let level = LogLevelName.parse(text) else {
            throw OptionValueError("\(source) must be one of \(LogLevelName.all.joined(separator: ", ")), not \"\(text)\"")
        }
        return level
    }

    static func logFormat(_ text: String, from source: String) throws(OptionValueError) -> LogFormat {
        guard let format = LogFormat(rawValue: text) else {
            throw OptionValueError("\(source) must be \(LogFormat.allowed), not \"\(text)\"")
        }
        return format
    }

    /// A number of seconds, zero or more (fractions allowed: `0.5`), as a `Duration`.
    static func seconds(_ text: String, from source: String) throws(OptionValueError) -> Duration {
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            throw OptionValueError("\(source) must be a number of seconds, zero or more, not \"\(text)\"")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// One of `allowed`, exactly as spelled there.
    static func choice(_ text: String, from source: String, is kind: String, allowed: [String]) throws(OptionValueError) -> String {
        guard allowed.contains(text) else {
            throw OptionValueError("\(source) \"\(text)\" is not \(kind); allowed \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// `name=value`, split at the first `=`; the value may be empty, the name may not.
    static func assignment(_ text: String, from source: String) throws(OptionValueError) -> Assignment {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw OptionValueError("\(source) \"\(text)\" is not name=value")
        }
        return Assignment(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
    }

    /// Comma-separated names, blanks around them dropped; at least one.
    static func names(_ text: String, from source: String) throws(OptionValueError) -> [String] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw OptionValueError("\(source) \"\(text)\" names nothing; give names separated by commas") }
        return names
    }

    /// A JSON document (strict: a member twice or bytes that are not UTF-8 are refused).
    static func json(_ text: String, from source: String) throws(OptionValueError) -> JSONValue {
        do {
            return try JSONValue(parsingStrictly: Data(text.utf8))
        } catch {
            throw OptionValueError("\(source) is not valid JSON: \(error)")
        }
    }

    /// A cron expression in the grammar schedules.json uses.
    static func cron(_ text: String, from source: String) throws(OptionValueError) -> CronExpression {
        do {
            return try CronExpression(parsing: text)
        } catch {
            throw OptionValueError("\(source) \"\(text)\": \(error)")
        }
    }

    /// An IANA time zone by name.
    static func timeZone(_ text: String, from source: String) throws(OptionValueError) -> TimeZone {
        guard let zone = TimeZone(identifier: text) else {
            throw OptionValueError("\(source) \"\(text)\" is not an IANA time zone (e.g. America/New_York)")
        }
        return zone
    }

    /// How long closed runs are kept: `--retention`, else `SIGNALROOM_RETENTION`, else 30 days.
    static func retention(_ flag: OptionDuration?, settings: Settings) throws -> OptionDuration {
        if let flag { return flag }
        do {
            return try duration(settings.retention, from: EnvironmentVariable.retention.name)
        } catch {
            throw CommandFailure(error.description, code: .usage)
        }
    }
}

/// One `name=value` option (`report --param`).
struct Assignment: Equatable {
    var name: String
    var value: String
}

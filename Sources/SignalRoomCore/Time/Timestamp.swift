import Foundation

/// UTC timestamps as they appear in histories and indexes: ISO 8601 with milliseconds
/// (`2026-11-25T04:29:16.123Z`). Written by hand because this runs for every event and
/// Foundation's formatters cost microseconds each; the calendar is `CivilDate`'s.
public enum Timestamp {
    /// The instant in whole milliseconds (rounded down, give or take the 10 µs of `millis`),
    /// the precision histories keep, so a time seen live equals the one read back in replay.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(millis(date)) / 1000)
    }

    /// Whole milliseconds since 1970, rounded down. The 10 µs nudge absorbs the binary
    /// noise of `Double(ms) / 1000 * 1000` (about 0.2 µs today), so a time read back from
    /// a history formats to the same text.
    package static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000 + 0.01).rounded(.down))
    }

    public static func format(_ date: Date) -> String {
        let totalMillis = millis(date)
        let millis = Int(((totalMillis % 1000) + 1000) % 1000)
        let seconds = (totalMillis - Int64(millis)) / 1000
        let days = Int(floorDiv(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let date = CivilDate(daysSince1970: days)
        return pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T"
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":"
            + pad(secondOfDay % 60, 2) + "." + pad(millis, 3) + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` or with a `±HH:MM` offset. Returns nil otherwise,
    /// and for a day or time the calendar does not have (`2026-02-31`, `24:00`, a leap
    /// second `:60`): rolling those over into the next day would run another day's work.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    private static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D,
            bytes[10] == 0x54 || bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in from..<(from + count) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(year: year, month: month), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var millis = 0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if index - start < 3 { millis = millis * 10 + Int(bytes[index] - 0x30) }
                index += 1
            }
            if index == start { return nil }
            for _ in min(index - start, 3)..<3 { millis *= 10 }
        }
        var offsetSeconds = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x5A, index == bytes.count - 1 {
            offsetSeconds = 0
        } else if bytes[index] == 0x2B || bytes[index] == 0x2D, bytes.count - index == 6, bytes[index + 3] == 0x3A,
            let offsetHours = number(index + 1, 2), let offsetMinutes = number(index + 4, 2), offsetHours < 24, offsetMinutes < 60
        {
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        let days = CivilDate(year: year, month: month, day: day).daysSince1970
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // Sub-millisecond digits are dropped: histories keep milliseconds.
        return Date(timeIntervalSince1970: Double(seconds * 1000 + millis) / 1000)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

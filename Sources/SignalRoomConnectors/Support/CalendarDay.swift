import Foundation
import SignalRoomPipelines

/// A calendar day spelled `YYYY-MM-DD`, with the arithmetic day-by-day connectors need.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
              let day = Int(parts[2]), (1...12).contains(month), day >= 1, day <= Self.length(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil-from-days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// The day an instant falls on in a zone.
    public static func of(_ date: Date, in zone: TimeZone) -> CalendarDay {
        let local = Int((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))).rounded(.down))
        return CalendarDay(daysSinceEpoch: Int((Double(local) / 86_400).rounded(.down)))
    }

    /// Days from `start` through `end`, both included; empty when `start` is after `end`.
    public static func range(_ start: CalendarDay, through end: CalendarDay) -> [CalendarDay] {
        start > end ? [] : (start.daysSinceEpoch...end.daysSinceEpoch).map(CalendarDay.init(daysSinceEpoch:))
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    static func length(year: Int, month: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }
}

extension ExtractRequest {
    /// The days a day-by-day resource reads: from `--start-date`, else the cursor, else the
    /// source's first day; through `--end-date`, else yesterday in the report's zone (today
    /// is never complete). Everflow and RedTrack read this one rule.
    func dayWindow(startingAt firstDay: CalendarDay, in zone: TimeZone, now: Date) -> (from: CalendarDay, to: CalendarDay) {
        let yesterday = CalendarDay.of(now, in: zone).adding(days: -1)
        let from = startDate.flatMap(CalendarDay.init) ?? cursor.flatMap(CalendarDay.init) ?? firstDay
        return (from, endDate.flatMap(CalendarDay.init) ?? yesterday)
    }
}

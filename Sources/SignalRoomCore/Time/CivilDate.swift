import Foundation

/// A day on the proleptic Gregorian calendar with no time zone, spelled `YYYY-MM-DD`: the one
/// calendar of SignalRoom. Cron matches its fields, histories format their timestamps with
/// it, and connectors walk day windows with it. The day count is Howard Hinnant's
/// `days_from_civil` / `civil_from_days`, exact for every Int32 day count.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1-12.
    public let month: Int
    /// 1-31.
    public let day: Int

    /// A date the caller knows exists (cron and timestamp maths); `init?(_:)` checks text.
    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD` naming a day the calendar has; nil for anything else (`2026-02-31`,
    /// `2026-2-3`, `20260203`).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(year: year, month: month)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    public init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(
            year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month,
            day: dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
    }

    /// Days from 1970-01-01 to this date.
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSince1970: daysSince1970 + days) }

    /// The day an instant falls on in a zone.
    public static func of(_ date: Date, in zone: TimeZone) -> CivilDate {
        let local = (date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))).rounded(.down)
        return CivilDate(daysSince1970: Int((local / 86_400).rounded(.down)))
    }

    /// Days from `start` through `end`, both included; empty when `start` is after `end`.
    public static func range(_ start: CivilDate, through end: CivilDate) -> [CivilDate] {
        start > end ? [] : (start.daysSince1970...end.daysSince1970).map(CivilDate.init(daysSince1970:))
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// 0 = Sunday … 6 = Saturday, as cron counts.
    package static func weekday(daysSince1970 days: Int) -> Int {
        // 1970-01-01 was a Thursday.
        ((days % 7) + 7 + 4) % 7
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        month == 2 ? (isLeapYear(year) ? 29 : 28) : maximumDays(inMonth: month)
    }

    /// The most days `month` ever has (February: 29).
    package static func maximumDays(inMonth month: Int) -> Int {
        switch month {
        case 2: 29
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

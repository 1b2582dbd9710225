import SignalRoomCore
/// A five-field cron expression (minute hour day-of-month month day-of-week), parsed once and
/// evaluated in any IANA time zone.
///
/// Syntax, as crontab(5) (Vixie/cronie) has it:
/// - numbers, `*`, ranges `1-5`, steps `*/15`, `10-50/5` and `5/15` (= `5-59/15`), and lists of
///   these joined by commas, `1,5,10-12`;
/// - month names `JAN`–`DEC` and day names `SUN`–`SAT`, in any case, also in ranges (`MON-FRI`);
/// - day-of-week 0 and 7 are both Sunday;
/// - the macros `@yearly` = `@annually` (`0 0 1 1 *`), `@monthly` (`0 0 1 * *`), `@weekly`
///   (`0 0 * * 0`), `@daily` = `@midnight` (`0 0 * * *`) and `@hourly` (`0 * * * *`).
///
/// Days follow the Vixie rule: when both day-of-month and day-of-week are restricted (neither
/// field starts with `*`), a day matches if *either* matches (`0 0 13 * FRI` fires on every
/// 13th and every Friday); otherwise both must match (`0 0 */2 * MON` fires on odd-numbered
/// Mondays).
///
/// An expression that can never fire (`0 0 30 2 *`) is refused when parsed, so
/// `nextFireTime(after:in:)` only returns nil in contrived time-zone histories.
///
/// Daylight-saving changes follow cron too; see `isFixedTime` and
/// `fireTimes(after:in:count:)`.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written (surrounding whitespace removed), for display.
    public let source: String

    let minuteSet: UInt64
    let hourSet: UInt64
    /// Bits 1-31.
    let dayOfMonthSet: UInt64
    /// Bits 1-12.
    let monthSet: UInt64
    /// Bits 0-6, Sunday = 0 (a 7 in the source is stored as 0).
    let dayOfWeekSet: UInt64
    /// True when both day fields are restricted, so a day matches if either matches.
    let daysMatchEither: Bool

    /// Whether the hour field names fixed hours (numbers, lists, ranges — no `*` and no step).
    ///
    /// This decides what a daylight-saving change does, as in Vixie cron and cronie:
    /// - fixed time (`30 2 * * *`, `*/15 9-17 * * *`): a wall time the clocks skip fires once, at
    ///   the first instant after the gap (several skipped times collapse into that one
    ///   instant), and a wall time the clocks repeat fires once, at its first occurrence;
    /// - otherwise (`0 * * * *`, `0 */2 * * *`, `@hourly`): the schedule follows real time —
    ///   skipped wall times do not fire and repeated ones fire at both occurrences.
    public let isFixedTime: Bool

    public var description: String { source }

    /// The values a field matches, ascending (day-of-week: 0-6, Sunday = 0).
    public func values(of field: CronField) -> [Int] {
        let set: UInt64 =
            switch field {
            case .minute: minuteSet
            case .hour: hourSet
            case .dayOfMonth: dayOfMonthSet
            case .month: monthSet
            case .dayOfWeek: dayOfWeekSet
            }
        return field.starRange.filter { set & (1 << UInt64($0)) != 0 }
    }

    /// Whether the expression fires on this calendar day (weekday 0 = Sunday).
    func matches(_ date: CivilDate, weekday: Int) -> Bool {
        guard monthSet & (1 << UInt64(date.month)) != 0 else { return false }
        let dayOfMonthMatches = dayOfMonthSet & (1 << UInt64(date.day)) != 0
        let dayOfWeekMatches = dayOfWeekSet & (1 << UInt64(weekday)) != 0
        return daysMatchEither ? (dayOfMonthMatches || dayOfWeekMatches) : (dayOfMonthMatches && dayOfWeekMatches)
    }
}

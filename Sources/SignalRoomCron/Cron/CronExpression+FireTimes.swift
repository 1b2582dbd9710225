import Foundation

extension CronExpression {
    /// The most fire times `fireTimes(from:through:in:limit:)` returns unless told otherwise.
    public static let fireTimeLimit = 100_000

    /// The first fire time strictly after `instant`, evaluated on the wall clock of `zone`.
    ///
    /// Nil only if nothing fires for 400 years (a full Gregorian cycle), which parsing rules
    /// out for every zone whose clocks do not skip the chosen times forever.
    public func nextFireTime(after instant: Date, in zone: TimeZone) -> Date? {
        fireTimes(after: instant, in: zone, count: 1).first
    }

    /// The next `count` fire times strictly after `instant`, strictly increasing, evaluated on
    /// the wall clock of `zone` (fewer only when the 400-year search horizon is reached).
    ///
    /// Daylight-saving changes follow Vixie cron and cronie (see `isFixedTime`). In
    /// America/New_York, `30 2 * * *` fires at 03:00 EDT on the spring-forward day and at
    /// 01:30 EDT only (not again at 01:30 EST) for `30 1 * * *` on the fall-back day, while
    /// `0 * * * *` fires at both 01:00s and not at the 02:00 that does not exist. Fire times
    /// are whole minutes of the zone's wall clock, or the first instant after a gap.
    public func fireTimes(after instant: Date, in zone: TimeZone, count: Int) -> [Date] {
        guard count > 0, let start = Self.searchable(instant) else { return [] }
        var iterator = FireTimeIterator(expression: self, zone: zone, after: start)
        var times: [Date] = []
        times.reserveCapacity(min(count, 1_024))
        while times.count < count, let next = iterator.next() {
            times.append(Date(timeIntervalSince1970: TimeInterval(next)))
        }
        return times
    }

    /// Every fire time in (`start`, `end`], strictly increasing, at most `limit` of them (the
    /// earliest ones), by the same rules as `fireTimes(after:in:count:)`. A fire time equal to
    /// `start` is excluded and one equal to `end` included, so consecutive windows that share
    /// an end point see each fire time exactly once.
    public func fireTimes(
        from start: Date, through end: Date, in zone: TimeZone,
        limit: Int = CronExpression.fireTimeLimit
    ) -> [Date] {
        guard limit > 0, end > start, let from = Self.searchable(start), let through = Self.searchable(end) else {
            return []
        }
        var iterator = FireTimeIterator(expression: self, zone: zone, after: from, through: through)
        var times: [Date] = []
        while times.count < limit, let next = iterator.next(), TimeInterval(next) <= through {
            times.append(Date(timeIntervalSince1970: TimeInterval(next)))
        }
        return times
    }

    /// Seconds since 1970 for instants the search can handle (years about −29,000 to 33,000).
    private static func searchable(_ instant: Date) -> TimeInterval? {
        let seconds = instant.timeIntervalSince1970
        return seconds.isFinite && abs(seconds) < 1e12 ? seconds : nil
    }
}

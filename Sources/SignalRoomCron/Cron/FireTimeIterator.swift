import Foundation
import SignalRoomCore

/// Walks an expression's fire times in one zone, in increasing order, strictly after a start.
///
/// Local calendar days are visited one by one; each matching day's (hour, minute) readings are
/// placed on the time line with `ZoneClock`, applying the cron daylight-saving rules. Instants
/// from neighbouring days can interleave (a fall-back across midnight), so a day's instants
/// wait in `pending` until no later day can produce an earlier one.
struct FireTimeIterator: IteratorProtocol {
    /// Days searched past the last day that fired before giving up: one Gregorian cycle, after
    /// which the calendar repeats.
    static let horizonDays = 146_097

    private let expression: CronExpression
    private let clock: ZoneClock
    private let hours: [Int]
    private let minutes: [Int]
    /// Instants must be greater than this (seconds since 1970).
    private let after: TimeInterval
    /// Days whose readings all lie past this instant need not be visited.
    private let through: TimeInterval?
    private var nextDay: Int
    private var lastDayWithFires: Int
    private var pending: [Int] = []
    /// Pending instants before this index have been handed out or dropped.
    private var consumed = 0
    private var lastEmitted = Int.min
    private var finishedDays = false

    init(expression: CronExpression, zone: TimeZone, after: TimeInterval, through: TimeInterval? = nil) {
        self.expression = expression
        self.clock = ZoneClock(zone: zone)
        self.hours = expression.values(of: .hour)
        self.minutes = expression.values(of: .minute)
        self.after = after
        self.through = through
        let afterSecond = Int(after.rounded(.down))
        let localDay = Self.floorDivide(afterSecond + clock.offset(at: afterSecond), 86_400)
        // The day before may still place a reading after `after` (a gap or a big offset).
        self.nextDay = localDay - 1
        self.lastDayWithFires = nextDay
    }

    mutating func next() -> Int? {
        while true {
            // Every reading of a later day d shows at an instant after d·86400 − 17 h, which is
            // past (nextDay − 1)·86400: pending instants before that are final.
            let settled = finishedDays ? Int.max : (nextDay - 1) * 86_400
            while consumed < pending.count, pending[consumed] < settled {
                let instant = pending[consumed]
                consumed += 1
                if instant > lastEmitted, TimeInterval(instant) > after {
                    lastEmitted = instant
                    return instant
                }
            }
            if finishedDays { return nil }
            if nextDay - lastDayWithFires > Self.horizonDays
                || through.map({ TimeInterval((nextDay - 1) * 86_400) > $0 }) == true
            {
                finishedDays = true
                continue
            }
            let instants = instants(onLocalDay: nextDay)
            if !instants.isEmpty {
                lastDayWithFires = nextDay
                pending.removeFirst(consumed)
                consumed = 0
                pending.append(contentsOf: instants)
                pending.sort()
            }
            nextDay += 1
        }
    }

    /// The instants at which the expression fires for the readings of one local day.
    private func instants(onLocalDay day: Int) -> [Int] {
        guard expression.matches(CivilDate(daysSince1970: day), weekday: CivilDate.weekday(daysSince1970: day)) else {
            return []
        }
        let dayStart = day * 86_400
        var instants: [Int] = []
        instants.reserveCapacity(hours.count * minutes.count)
        if let offset = clock.constantOffset(onLocalDay: day) {
            for hour in hours {
                for minute in minutes { instants.append(dayStart + hour * 3_600 + minute * 60 - offset) }
            }
            return instants
        }
        for hour in hours {
            for minute in minutes {
                switch clock.resolve(local: dayStart + hour * 3_600 + minute * 60) {
                case .unique(let instant):
                    instants.append(instant)
                case .repeated(let first, let second):
                    instants.append(first)
                    if !expression.isFixedTime { instants.append(second) }
                case .skipped(let firstInstantAfterGap):
                    if expression.isFixedTime { instants.append(firstInstantAfterGap) }
                }
            }
        }
        return instants.sorted()
    }

    private static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}

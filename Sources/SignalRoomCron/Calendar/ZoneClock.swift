import Foundation

/// Where a wall-clock reading falls on the time line of one zone.
enum LocalTimeResolution: Equatable {
    /// The reading happens once, at this instant (seconds since 1970, UTC).
    case unique(Int)
    /// The reading happens twice because the clocks went back (earlier, later).
    case repeated(Int, Int)
    /// The clocks jumped over the reading; the first instant after the gap is given.
    case skipped(firstInstantAfterGap: Int)
}

/// Wall-clock arithmetic for one IANA zone, done on plain seconds.
///
/// A wall-clock reading is written as "local seconds": seconds since 1970-01-01T00:00 on that
/// zone's clock. An instant u shows local seconds u + offset(u), so a reading L happens at
/// every u = L − o for which offset(L − o) == o. Only `secondsFromGMT(for:)` and
/// `nextDaylightSavingTimeTransition(after:)` are used: `Calendar`'s `date(from:)`,
/// `date(bySettingHour:)` and `nextDate` move or drop times around 30-minute shifts such as
/// Australia/Lord_Howe's.
struct ZoneClock {
    let zone: TimeZone

    /// No zone's offset has ever been 17 hours or more from UTC (tzdb's extremes are local mean
    /// times of about ±15:56), so every instant showing a given reading lies within this many
    /// seconds of it.
    static let offsetBound = 17 * 3_600

    func offset(at instant: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// The single offset in force for every instant that can show a reading on local day
    /// `day` (days since 1970), or nil when the offset changes near that day.
    func constantOffset(onLocalDay day: Int) -> Int? {
        let first = day * 86_400 - Self.offsetBound
        let last = (day + 1) * 86_400 + Self.offsetBound
        let offsetAtFirst = offset(at: first)
        guard offset(at: last) == offsetAtFirst else { return nil }
        // Equal ends could hide a change and its reversal; ask for the next transition too
        // (on Linux it reports every offset change, DST or not: Moscow 2014, Apia 2011).
        if let transition = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(first))),
            transition.timeIntervalSince1970 <= TimeInterval(last)
        {
            return nil
        }
        return offsetAtFirst
    }

    /// Where the reading `local` (local seconds) falls.
    func resolve(local: Int) -> LocalTimeResolution {
        let bound = Self.offsetBound
        // The offsets in force within reach of the reading (assumes at most one change
        // within 34 hours, true of every zone since standard time was adopted).
        let offsets = Set([offset(at: local - bound), offset(at: local), offset(at: local + bound)])
        let instants = offsets.compactMap { o in offset(at: local - o) == o ? local - o : nil }.sorted()
        switch instants.count {
        case 0:
            return .skipped(firstInstantAfterGap: firstInstant(showingAfter: local, offsets: offsets))
        case 1:
            return .unique(instants[0])
        default:
            return .repeated(instants[0], instants[instants.count - 1])
        }
    }

    /// The first instant whose reading is past `local`, for a reading inside a gap: searched
    /// between the instant it would be under the later (larger) offset and under the earlier.
    private func firstInstant(showingAfter local: Int, offsets: Set<Int>) -> Int {
        var low = local - (offsets.max() ?? 0)  // still before the gap
        var high = local - (offsets.min() ?? 0)  // already after it
        while low < high {
            let middle = low + (high - low) / 2
            if middle + offset(at: middle) > local { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

import Foundation
import SignalRoomCore
import SignalRoomPipelines

extension ExtractRequest {
    /// The days a day-by-day resource reads: from `--start-date`, else the cursor, else the
    /// source's first day; through `--end-date`, else yesterday in the report's zone (today
    /// is never complete). Everflow and RedTrack read this one rule.
    func dayWindow(startingAt firstDay: CivilDate, in zone: TimeZone, now: Date) -> (from: CivilDate, to: CivilDate) {
        let yesterday = CivilDate.of(now, in: zone).adding(days: -1)
        let from = startDate.flatMap(CivilDate.init) ?? cursor.flatMap(CivilDate.init) ?? firstDay
        return (from, endDate.flatMap(CivilDate.init) ?? yesterday)
    }
}

import Foundation
import SignalRoomCore
import Testing

/// The one calendar: parsing, stepping, zones, and agreement with Foundation.
struct CivilDateTests {
    @Test func daysRoundTripAndStepAcrossMonthsAndLeapDays() throws {
        let day = try #require(CivilDate("2024-02-28"))
        #expect(day.adding(days: 1).description == "2024-02-29")
        #expect(day.adding(days: 2).description == "2024-03-01")
        #expect(CivilDate("2023-02-29") == nil)
        #expect(CivilDate("2024-12-31")!.adding(days: 1).description == "2025-01-01")
        #expect(
            CivilDate.range(CivilDate("2024-12-30")!, through: CivilDate("2025-01-02")!).map(\.description)
                == ["2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"])
        #expect(CivilDate.range(CivilDate("2025-01-02")!, through: CivilDate("2025-01-01")!).isEmpty)
    }

    @Test func dayOfAnInstantFollowsTheZone() {
        let zone = TimeZone(identifier: "America/New_York")!
        // 2024-12-02T03:00Z is still Dec 1 in New York; 05:00Z is Dec 2.
        #expect(CivilDate.of(Date(timeIntervalSince1970: 1_733_108_400), in: zone).description == "2024-12-01")
        #expect(CivilDate.of(Date(timeIntervalSince1970: 1_733_115_600), in: zone).description == "2024-12-02")
    }

    @Test func textThatIsNotADayOfTheCalendarIsRefused() {
        for text in ["2026-02-31", "2026-13-01", "2026-00-10", "2026-2-03", "20260203", "2026-02-3x", " 2026-02-03", "2100-02-29"] {
            #expect(CivilDate(text) == nil, "\(text)")
        }
        #expect(CivilDate("2000-02-29") != nil)
    }

    /// From 1600 on: Foundation's Gregorian calendar turns Julian before October 1582, while
    /// ours is proleptic.
    @Test func dayCountsMatchFoundationsCalendarOverFourCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: -135_140, through: 146_097, by: 37) {
            let date = CivilDate(daysSince1970: days)
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect([date.year, date.month, date.day] == [parts.year, parts.month, parts.day].map { $0! })
            #expect(date.daysSince1970 == days)
        }
    }
}

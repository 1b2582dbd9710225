import Foundation
import Testing
@testable import SignalRoomCron

/// Issue 3 part 1: fire times of steps on every field, ranges, lists, names, 7 = Sunday,
/// macros, the Vixie day rule and Feb 29, with answers worked out by hand (2026-01-01 is a
/// Thursday).
@Suite("Cron fire times")
struct CronFireTimeTests {
    static let table: [FireCase] = [
        // Steps on every field.
        FireCase(
            "*/15 * * * *", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:00:00Z"],
            "a minute step counts from 0 and rolls into the next hour"),
        FireCase(
            "0 */6 * * *", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T06:00:00Z", "2026-01-01T12:00:00Z", "2026-01-01T18:00:00Z", "2026-01-02T00:00:00Z"],
            "an hour step counts from 0"),
        FireCase(
            "0 0 */10 * *", after: "2026-01-01T00:00:00Z",
            ["2026-01-11T00:00:00Z", "2026-01-21T00:00:00Z", "2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z"],
            "a day-of-month step counts from 1 and restarts each month"),
        FireCase(
            "0 0 1 */4 *", after: "2026-01-01T00:00:00Z",
            ["2026-05-01T00:00:00Z", "2026-09-01T00:00:00Z", "2027-01-01T00:00:00Z"],
            "a month step counts from January"),
        FireCase(
            "0 0 * * */3", after: "2026-01-01T00:00:00Z",
            ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-10T00:00:00Z"],
            "a day-of-week step counts from Sunday (Sun, Wed, Sat)"),
        FireCase(
            "10-50/20 * * * *", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T00:10:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:50:00Z", "2026-01-01T01:10:00Z"],
            "a stepped range starts at its low end"),
        FireCase(
            "5/20 3 * * *", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T03:05:00Z", "2026-01-01T03:25:00Z", "2026-01-01T03:45:00Z", "2026-01-02T03:05:00Z"],
            "`a/n` runs from a to the field's end"),
        FireCase(
            "1,5,10-12 0 * * *", after: "2026-01-01T00:02:00Z",
            [
                "2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:11:00Z", "2026-01-01T00:12:00Z",
                "2026-01-02T00:01:00Z",
            ],
            "a list mixes values and ranges"),
        FireCase(
            "30 8 * * *", after: "2026-01-01T08:30:00Z", ["2026-01-02T08:30:00Z"],
            "a fire time equal to the start is not after it"),
        FireCase(
            "30 8 * * *", after: "2026-01-01T08:29:59.5Z", ["2026-01-01T08:30:00Z"],
            "a start half a second before fires at the minute"),
        // Names and Sunday as 7.
        FireCase(
            "0 9 * JAN,jul mon-FRI", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"],
            "month and day names in any case, also as a range"),
        FireCase(
            "0 9 * JAN,jul mon-FRI", after: "2026-01-30T10:00:00Z",
            ["2026-07-01T09:00:00Z", "2026-07-02T09:00:00Z", "2026-07-03T09:00:00Z", "2026-07-06T09:00:00Z"],
            "after the last January weekday the next fire is in July"),
        FireCase(
            "0 0 * * 7", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"],
            "7 is Sunday"),
        FireCase(
            "0 0 * * 0", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"],
            "0 is Sunday"),
        FireCase(
            "0 0 * * sun", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"],
            "SUN is Sunday"),
        FireCase(
            "0 0 * * 5-7", after: "2026-01-01T00:00:00Z",
            ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"],
            "a range may end at 7 (Fri, Sat, Sun)"),
        // The Vixie day rule.
        FireCase(
            "0 0 13 * FRI", after: "2026-01-01T00:00:00Z",
            [
                "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z",
                "2026-01-23T00:00:00Z", "2026-01-30T00:00:00Z", "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z",
                "2026-02-20T00:00:00Z",
            ],
            "both day fields restricted: the 13th OR a Friday, and Friday the 13th once"),
        FireCase(
            "0 0 */2 * MON", after: "2026-01-01T00:00:00Z",
            ["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-23T00:00:00Z"],
            "a day field starting with `*` means AND: odd-numbered Mondays"),
        FireCase(
            "0 0 1 * *", after: "2026-01-01T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"],
            "day-of-week `*` leaves day-of-month alone"),
        // Month ends and leap days.
        FireCase(
            "0 0 29 2 *", after: "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"],
            "Feb 29 waits for the next leap year"),
        FireCase(
            "0 0 29 2 *", after: "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z"],
            "2100 is not a leap year"),
        FireCase(
            "0 0 29 2 *", in: "America/New_York", after: "2026-01-01T00:00:00Z", ["2028-02-29T05:00:00Z"],
            "Feb 29 on New York's wall clock"),
        FireCase(
            "0 0 31 * *", after: "2026-01-31T00:00:00Z",
            ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"],
            "the 31st skips months that lack it"),
        FireCase(
            "59 23 31 12 *", after: "2026-06-01T00:00:00Z", ["2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"],
            "the last minute of the year"),
        // Macros.
        FireCase("@yearly", after: "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"], "@yearly"),
        FireCase("@annually", after: "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z"], "@annually = @yearly"),
        FireCase("@monthly", after: "2026-01-15T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"], "@monthly"),
        FireCase(
            "@weekly", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"],
            "@weekly fires at Sunday midnight"),
        FireCase("@daily", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"], "@daily"),
        FireCase("@midnight", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"], "@midnight = @daily"),
        FireCase("@hourly", after: "2026-01-01T00:30:00Z", ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"], "@hourly"),
        FireCase("  @DAILY ", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"], "macros in any case, padded"),
        // Time zones without a change in sight.
        FireCase(
            "0 7 * * *", in: "America/New_York", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z"], "07:00 EST is 12:00 UTC"),
        FireCase(
            "0 7 * * *", in: "America/New_York", after: "2026-07-01T00:00:00Z",
            ["2026-07-01T11:00:00Z", "2026-07-02T11:00:00Z"], "07:00 EDT is 11:00 UTC"),
        FireCase(
            "0 0 * * *", in: "Asia/Kolkata", after: "2026-01-01T00:00:00Z",
            ["2026-01-01T18:30:00Z", "2026-01-02T18:30:00Z"], "a half-hour offset"),
        FireCase(
            "0 0 1 1 *", in: "Pacific/Kiritimati", after: "2026-06-01T00:00:00Z", ["2026-12-31T10:00:00Z"],
            "UTC+14: the local new year is the previous UTC day"),
        FireCase(
            "0 23 31 12 *", in: "Pacific/Pago_Pago", after: "2026-06-01T00:00:00Z", ["2027-01-01T10:00:00Z"],
            "UTC−11: the local year's end is the next UTC day"),
    ]

    @Test("fires at the known times", arguments: table)
    func firesAtTheKnownTimes(_ row: FireCase) throws {
        #expect(try row.actual() == row.expected)
    }

    @Test func nextFireTimeIsTheFirstOfFireTimes() throws {
        let cron = try CronExpression(parsing: "15 7-23 * * *")
        let zone = TestTime.zone("America/New_York")
        let start = TestTime.instant("2026-05-05T03:04:05Z")
        #expect(cron.nextFireTime(after: start, in: zone) == cron.fireTimes(after: start, in: zone, count: 3).first)
        // 03:04Z is 23:04 EDT the evening before.
        #expect(cron.nextFireTime(after: start, in: zone).map(TestTime.iso) == "2026-05-05T03:15:00Z")
    }

    @Test func windowExcludesItsStartAndIncludesItsEnd() throws {
        let cron = try CronExpression(parsing: "0 * * * *")
        let times = cron.fireTimes(
            from: TestTime.instant("2026-01-01T01:00:00Z"), through: TestTime.instant("2026-01-01T04:00:00Z"),
            in: TestTime.zone("UTC"))
        #expect(times.map(TestTime.iso) == ["2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z", "2026-01-01T04:00:00Z"])
    }

    @Test func adjacentWindowsSeeEachFireTimeOnce() throws {
        let cron = try CronExpression(parsing: "*/7 * * * *")
        let zone = TestTime.zone("Europe/London")
        let start = TestTime.instant("2026-10-24T22:00:00Z")
        let whole = cron.fireTimes(from: start, through: start.addingTimeInterval(6 * 3_600), in: zone)
        var pieced: [Date] = []
        for minute in stride(from: 0, to: 360, by: 1) {
            pieced += cron.fireTimes(
                from: start.addingTimeInterval(TimeInterval(minute * 60)),
                through: start.addingTimeInterval(TimeInterval((minute + 1) * 60)), in: zone)
        }
        #expect(pieced == whole)
        #expect(whole.count > 40)
    }

    @Test func windowIsBoundedByItsLimit() throws {
        let cron = try CronExpression(parsing: "* * * * *")
        let start = TestTime.instant("2026-01-01T00:00:00Z")
        let end = start.addingTimeInterval(400 * 86_400)
        let times = cron.fireTimes(from: start, through: end, in: TestTime.zone("UTC"))
        #expect(times.count == CronExpression.fireTimeLimit)
        #expect(times.last.map(TestTime.iso) == "2026-03-11T10:40:00Z")
        #expect(cron.fireTimes(from: start, through: end, in: TestTime.zone("UTC"), limit: 3).count == 3)
    }

    @Test func emptyOrBackwardsWindowHasNoFireTimes() throws {
        let cron = try CronExpression(parsing: "* * * * *")
        let start = TestTime.instant("2026-01-01T00:00:00Z")
        #expect(cron.fireTimes(from: start, through: start, in: TestTime.zone("UTC")).isEmpty)
        #expect(cron.fireTimes(from: start, through: start.addingTimeInterval(-60), in: TestTime.zone("UTC")).isEmpty)
        #expect(cron.fireTimes(after: start, in: TestTime.zone("UTC"), count: 0).isEmpty)
    }

    @Test func sparseWindowEndsWithoutSearchingPastIt() throws {
        let cron = try CronExpression(parsing: "0 0 29 2 *")
        let times = cron.fireTimes(
            from: TestTime.instant("2026-01-01T00:00:00Z"), through: TestTime.instant("2027-12-31T00:00:00Z"),
            in: TestTime.zone("UTC"))
        #expect(times.isEmpty)
    }

    @Test func fireTimesAreStrictlyIncreasingAcrossAYearOfZones() throws {
        let start = TestTime.instant("2026-01-01T00:00:00Z")
        for zone in ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Tehran"] {
            for expression in ["*/10 * * * *", "0,30 0-3 * * *", "45 */2 * * *", "15 1,2 * * SUN"] {
                let times = try CronExpression(parsing: expression).fireTimes(
                    from: start, through: start.addingTimeInterval(366 * 86_400), in: TestTime.zone(zone))
                #expect(!times.isEmpty)
                #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "\(expression) in \(zone)")
            }
        }
    }

    @Test func valuesListWhatEachFieldMatches() throws {
        let cron = try CronExpression(parsing: "*/20 9-11 1,15 JAN-MAR 5-7")
        #expect(cron.values(of: .minute) == [0, 20, 40])
        #expect(cron.values(of: .hour) == [9, 10, 11])
        #expect(cron.values(of: .dayOfMonth) == [1, 15])
        #expect(cron.values(of: .month) == [1, 2, 3])
        #expect(cron.values(of: .dayOfWeek) == [0, 5, 6])
        #expect(cron.source == "*/20 9-11 1,15 JAN-MAR 5-7")
        #expect("\(cron)" == "*/20 9-11 1,15 JAN-MAR 5-7")
    }

    @Test func macrosMeanTheirExpansions() throws {
        let start = TestTime.instant("2026-01-01T00:00:00Z")
        for (macro, expansion) in [
            ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
            ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
            ("@hourly", "0 * * * *"),
        ] {
            let a = try CronExpression(parsing: macro), b = try CronExpression(parsing: expansion)
            #expect(a.fireTimes(after: start, in: TestTime.zone("UTC"), count: 5) == b.fireTimes(after: start, in: TestTime.zone("UTC"), count: 5))
            #expect(a.isFixedTime == b.isFixedTime, "\(macro)")
        }
    }
}

import Foundation
import Testing
@testable import SignalRoomCron

/// Issue 3 part 1, the Vixie/cronie daylight-saving rules:
/// - a fixed-hour schedule whose wall time the clocks skip fires once, at the first instant
///   after the gap;
/// - a fixed-hour schedule whose wall time the clocks repeat fires once, at the first
///   occurrence;
/// - a schedule with `*` or a step in its hour field follows real time.
///
/// 2026 changes: New York 03-08 02:00 EST→03:00 EDT (07:00Z) and 11-01 02:00 EDT→01:00 EST
/// (06:00Z); London 03-29 01:00 GMT→02:00 BST (01:00Z) and 10-25 02:00 BST→01:00 GMT
/// (01:00Z); Lord Howe (+10:30 / +11:00) 04-05 02:00→01:30 (04-04T15:00Z) and 10-04
/// 02:00→02:30 (10-03T15:30Z).
@Suite("Cron and daylight saving")
struct CronDaylightSavingTests {
    static let newYork: [FireCase] = [
        FireCase(
            "30 2 * * *", in: "America/New_York", after: "2026-03-07T00:00:00Z",
            ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"],
            "fixed time in the skipped hour fires at 03:00 EDT"),
        FireCase(
            "*/20 2 * * *", in: "America/New_York", after: "2026-03-07T12:00:00Z",
            ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T06:20:00Z"],
            "three skipped minutes collapse into one fire"),
        FireCase(
            "0 2,3 * * *", in: "America/New_York", after: "2026-03-08T00:00:00Z",
            ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T07:00:00Z"],
            "the collapsed 02:00 and the real 03:00 are one fire"),
        FireCase(
            "0 0,2,4 * * *", in: "America/New_York", after: "2026-03-08T04:00:00Z",
            ["2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"],
            "a fixed list keeps its skipped 02:00, late"),
        FireCase(
            "0 */2 * * *", in: "America/New_York", after: "2026-03-08T04:00:00Z",
            ["2026-03-08T05:00:00Z", "2026-03-08T08:00:00Z", "2026-03-08T10:00:00Z"],
            "an hour step follows real time: no 02:00"),
        FireCase(
            "0 0-4/2 * * *", in: "America/New_York", after: "2026-03-08T04:00:00Z",
            ["2026-03-08T05:00:00Z", "2026-03-08T08:00:00Z", "2026-03-09T04:00:00Z"],
            "a stepped range is a step too"),
        FireCase(
            "0 * * * *", in: "America/New_York", after: "2026-03-08T05:30:00Z",
            ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"],
            "hourly: 01:00 EST, then 03:00 EDT, no 02:00"),
        FireCase(
            "30 * * * *", in: "America/New_York", after: "2026-03-08T05:45:00Z",
            ["2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"],
            "hourly at :30: 01:30 EST, then 03:30 EDT"),
        FireCase(
            "0 7 * * *", in: "America/New_York", after: "2026-03-07T00:00:00Z",
            ["2026-03-07T12:00:00Z", "2026-03-08T11:00:00Z", "2026-03-09T11:00:00Z"],
            "07:00 stays 07:00 local across the change"),
        FireCase(
            "30 1 * * *", in: "America/New_York", after: "2026-10-31T00:00:00Z",
            ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
            "fixed time in the repeated hour fires at 01:30 EDT only"),
        FireCase(
            "*/30 1 * * *", in: "America/New_York", after: "2026-11-01T00:00:00Z",
            ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:00:00Z"],
            "a fixed hour with a minute step fires in the first 01:xx only"),
        FireCase(
            "0 * * * *", in: "America/New_York", after: "2026-11-01T04:00:00Z",
            ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"],
            "hourly fires at both 01:00s"),
        FireCase(
            "30 * * * *", in: "America/New_York", after: "2026-11-01T04:00:00Z",
            ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"],
            "hourly at :30 fires at both 01:30s"),
    ]

    static let london: [FireCase] = [
        FireCase(
            "30 1 * * *", in: "Europe/London", after: "2026-03-28T00:00:00Z",
            ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
            "skipped 01:30 GMT fires at 02:00 BST"),
        FireCase(
            "30 * * * *", in: "Europe/London", after: "2026-03-29T00:00:00Z",
            ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"],
            "hourly at :30 has no 01:30 on the spring-forward day"),
        FireCase(
            "30 1 * * *", in: "Europe/London", after: "2026-10-24T12:00:00Z",
            ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
            "repeated 01:30 fires at 01:30 BST only"),
        FireCase(
            "30 * * * *", in: "Europe/London", after: "2026-10-24T23:00:00Z",
            ["2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"],
            "hourly at :30 fires at both 01:30s"),
    ]

    static let lordHowe: [FireCase] = [
        FireCase(
            "15 2 * * *", in: "Australia/Lord_Howe", after: "2026-10-02T00:00:00Z",
            ["2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"],
            "02:15 in the skipped half hour fires at 02:30 LHDT"),
        FireCase(
            "0,15,45 2 * * *", in: "Australia/Lord_Howe", after: "2026-10-03T12:00:00Z",
            ["2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:00:00Z"],
            "02:00 and 02:15 collapse into one fire; 02:45 exists"),
        FireCase(
            "15 * * * *", in: "Australia/Lord_Howe", after: "2026-10-03T14:00:00Z",
            ["2026-10-03T14:45:00Z", "2026-10-03T16:15:00Z", "2026-10-03T17:15:00Z"],
            "hourly at :15 has no 02:15 on the spring-forward day"),
        FireCase(
            "45 * * * *", in: "Australia/Lord_Howe", after: "2026-10-03T14:00:00Z",
            ["2026-10-03T14:15:00Z", "2026-10-03T15:15:00Z", "2026-10-03T15:45:00Z"],
            "hourly at :45: 01:45 LHST, then 02:45 LHDT only 30 minutes later"),
        FireCase(
            "45 1 * * *", in: "Australia/Lord_Howe", after: "2026-04-03T12:00:00Z",
            ["2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"],
            "01:45 in the repeated half hour fires at its first occurrence only"),
        FireCase(
            "15 1 * * *", in: "Australia/Lord_Howe", after: "2026-04-03T12:00:00Z",
            ["2026-04-03T14:15:00Z", "2026-04-04T14:15:00Z", "2026-04-05T14:45:00Z"],
            "01:15 is before the repeated half hour and happens once"),
        FireCase(
            "45 * * * *", in: "Australia/Lord_Howe", after: "2026-04-04T13:00:00Z",
            ["2026-04-04T13:45:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-04T16:15:00Z"],
            "hourly at :45 fires at both 01:45s, 30 minutes apart"),
        FireCase(
            "15 * * * *", in: "Australia/Lord_Howe", after: "2026-04-04T13:00:00Z",
            ["2026-04-04T13:15:00Z", "2026-04-04T14:15:00Z", "2026-04-04T15:45:00Z"],
            "hourly at :15: 01:15 is not repeated, 02:15 LHST comes 90 minutes later"),
    ]

    @Test("New York, 2026", arguments: newYork)
    func newYorkChanges(_ row: FireCase) throws {
        #expect(try row.actual() == row.expected)
    }

    @Test("London, 2026", arguments: london)
    func londonChanges(_ row: FireCase) throws {
        #expect(try row.actual() == row.expected)
    }

    @Test("Lord Howe, 2026", arguments: lordHowe)
    func lordHoweChanges(_ row: FireCase) throws {
        #expect(try row.actual() == row.expected)
    }

    // MARK: - The three rules, named

    @Test func fixedTimeInSkippedHourFiresOnceAtFirstInstantAfterGap() throws {
        let times = try CronExpression(parsing: "* 2 * * *").fireTimes(
            from: TestTime.instant("2026-03-08T05:00:00Z"), through: TestTime.instant("2026-03-08T12:00:00Z"),
            in: TestTime.zone("America/New_York"))
        #expect(times.map(TestTime.iso) == ["2026-03-08T07:00:00Z"])
    }

    @Test func fixedTimeInRepeatedHourFiresOnlyAtFirstOccurrence() throws {
        let times = try CronExpression(parsing: "* 1 * * *").fireTimes(
            from: TestTime.instant("2026-11-01T04:00:00Z"), through: TestTime.instant("2026-11-01T12:00:00Z"),
            in: TestTime.zone("America/New_York"))
        #expect(times.count == 60)
        #expect(times.first.map(TestTime.iso) == "2026-11-01T05:00:00Z")
        #expect(times.last.map(TestTime.iso) == "2026-11-01T05:59:00Z")
    }

    @Test func wildcardHourFollowsRealTimeThroughBothChanges() throws {
        let zone = TestTime.zone("America/New_York")
        let cron = try CronExpression(parsing: "0 * * * *")
        #expect(!cron.isFixedTime)
        let spring = cron.fireTimes(from: TestTime.instant("2026-03-08T05:00:00Z"), through: TestTime.instant("2026-03-09T04:00:00Z"), in: zone)
        let fall = cron.fireTimes(from: TestTime.instant("2026-11-01T04:00:00Z"), through: TestTime.instant("2026-11-02T05:00:00Z"), in: zone)
        // Every real hour of the local day: 23 on the short day and 25 on the long one.
        #expect(spring.count == 23)
        #expect(fall.count == 25)
        #expect(zip(fall, fall.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 3_600 })
    }

    @Test func hourFieldDecidesTheRule() throws {
        #expect(try CronExpression(parsing: "30 2 * * *").isFixedTime)
        #expect(try CronExpression(parsing: "*/5 1,2 * * *").isFixedTime)
        #expect(try CronExpression(parsing: "0 1-3 * * *").isFixedTime)
        #expect(try CronExpression(parsing: "@daily").isFixedTime)
        #expect(try !CronExpression(parsing: "30 * * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "30 */2 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "30 1-5/2 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "30 3/6 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "@hourly").isFixedTime)
    }

    // MARK: - Lord Howe, from Foundation's own transitions

    @Test func lordHoweShiftsByHalfAnHourTwiceIn2026() {
        let transitions = TestTime.transitions(in: TestTime.zone("Australia/Lord_Howe"), year: 2026)
        #expect(transitions.map { TestTime.iso($0.instant) } == ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"])
        #expect(transitions.map(\.before) == [39_600, 37_800])
        #expect(transitions.map(\.after) == [37_800, 39_600])
    }

    @Test func lordHoweFixedTimeInSkippedHalfHourFiresAtTheTransition() throws {
        let zone = TestTime.zone("Australia/Lord_Howe")
        let spring = try #require(TestTime.transitions(in: zone, year: 2026).first { $0.after > $0.before })
        // Clocks read 02:00 → 02:30; every minute in between collapses into the transition.
        for minute in [0, 1, 15, 29] {
            let cron = try CronExpression(parsing: "\(minute) 2 * * *")
            let fired = cron.nextFireTime(after: spring.instant.addingTimeInterval(-3 * 3_600), in: zone)
            #expect(fired == spring.instant, "minute \(minute)")
        }
        let justAfter = try CronExpression(parsing: "30 2 * * *")
            .nextFireTime(after: spring.instant.addingTimeInterval(-3 * 3_600), in: zone)
        #expect(justAfter == spring.instant)
        let wild = try CronExpression(parsing: "15 * * * *")
            .fireTimes(from: spring.instant.addingTimeInterval(-3_600), through: spring.instant.addingTimeInterval(3_600), in: zone)
        // 01:15 LHST, then 03:15 LHDT 90 minutes later: there is no 02:15.
        #expect(wild.map(TestTime.iso) == ["2026-10-03T14:45:00Z", "2026-10-03T16:15:00Z"])
    }

    @Test func lordHoweFixedTimeInRepeatedHalfHourFiresOnce() throws {
        let zone = TestTime.zone("Australia/Lord_Howe")
        let autumn = try #require(TestTime.transitions(in: zone, year: 2026).first { $0.after < $0.before })
        let window = (autumn.instant.addingTimeInterval(-2 * 3_600), autumn.instant.addingTimeInterval(2 * 3_600))
        let fixed = try CronExpression(parsing: "40 1 * * *").fireTimes(from: window.0, through: window.1, in: zone)
        #expect(fixed == [autumn.instant.addingTimeInterval(-20 * 60)])
        let wild = try CronExpression(parsing: "40 * * * *").fireTimes(from: window.0, through: window.1, in: zone)
        #expect(wild.contains(autumn.instant.addingTimeInterval(-20 * 60)))
        #expect(wild.contains(autumn.instant.addingTimeInterval(10 * 60)))
    }

    // MARK: - Other zones' shapes of change

    @Test func midnightChangeMovesAFixedMidnightToTheEndOfTheGap() throws {
        // Chile springs forward at 24:00 → 01:00 (2026-09-06 04:00Z).
        let zone = TestTime.zone("America/Santiago")
        let transition = try #require(TestTime.transitions(in: zone, year: 2026).first { $0.after > $0.before })
        let fired = try CronExpression(parsing: "0 0 * * *").nextFireTime(after: transition.instant.addingTimeInterval(-60), in: zone)
        #expect(fired == transition.instant)
        #expect(
            try CronExpression(parsing: "0 * * * *").nextFireTime(after: transition.instant.addingTimeInterval(-60), in: zone)
                == transition.instant)
    }

    @Test func skippedCalendarDayStillFiresFixedTimesOnce() throws {
        // Samoa skipped 2011-12-30 entirely (UTC−10 → UTC+14 at 2011-12-30T10:00Z).
        let zone = TestTime.zone("Pacific/Apia")
        let times = try CronExpression(parsing: "0 12 * * *").fireTimes(
            from: TestTime.instant("2011-12-28T00:00:00Z"), through: TestTime.instant("2012-01-01T00:00:00Z"), in: zone)
        #expect(
            times.map(TestTime.iso) == [
                "2011-12-28T22:00:00Z", "2011-12-29T22:00:00Z", "2011-12-30T10:00:00Z",
                "2011-12-30T22:00:00Z", "2011-12-31T22:00:00Z",
            ])
    }
}

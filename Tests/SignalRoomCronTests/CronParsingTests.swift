import Foundation
import Testing
@testable import SignalRoomCron

/// Issue 3 part 1: what parses, what it means, and errors that point at the field and say what
/// is allowed.
@Suite("Cron parsing")
struct CronParsingTests {
    static let layout = "minute hour day-of-month month day-of-week"
    static let forms = "`*`, `5`, `1-5`, `*/15`, `10-50/5`, `5/15`, or a list of these such as `1,5,10-12`"
    static let macros = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"
    static let days = "0-7 or SUN-SAT (0 and 7 are Sunday)"

    static let refused: [(String, String)] = [
        ("61 * * * *", "cron `61 * * * *`: field 1 (minute): `61` is out of range; allowed 0-59"),
        ("* * * *", "cron `* * * *`: expected 5 fields (\(layout)), found 4"),
        ("0 * * * * *", "cron `0 * * * * *`: expected 5 fields (\(layout)), found 6 (seconds, years and commands are not part of a schedule)"),
        ("", "cron ``: expected 5 fields (\(layout)), found 0"),
        ("0 24 * * *", "cron `0 24 * * *`: field 2 (hour): `24` is out of range; allowed 0-23"),
        ("0 0 0 * *", "cron `0 0 0 * *`: field 3 (day-of-month): `0` is out of range; allowed 1-31"),
        ("0 0 32 * *", "cron `0 0 32 * *`: field 3 (day-of-month): `32` is out of range; allowed 1-31"),
        ("0 0 * 13 *", "cron `0 0 * 13 *`: field 4 (month): `13` is out of range; allowed 1-12 or JAN-DEC"),
        ("0 0 * 0 *", "cron `0 0 * 0 *`: field 4 (month): `0` is out of range; allowed 1-12 or JAN-DEC"),
        ("0 0 * * 8", "cron `0 0 * * 8`: field 5 (day-of-week): `8` is out of range; allowed \(days)"),
        ("0 0 * FOO *", "cron `0 0 * FOO *`: field 4 (month): `FOO` is not a month name; allowed 1-12 or JAN-DEC"),
        ("0 0 * JANUARY *", "cron `0 0 * JANUARY *`: field 4 (month): `JANUARY` is not a month name; allowed 1-12 or JAN-DEC"),
        ("0 0 * * FUNDAY", "cron `0 0 * * FUNDAY`: field 5 (day-of-week): `FUNDAY` is not a day name; allowed \(days)"),
        ("MON * * * *", "cron `MON * * * *`: field 1 (minute): `MON` is not a number; allowed 0-59"),
        ("0 0 JAN * *", "cron `0 0 JAN * *`: field 3 (day-of-month): `JAN` is not a number; allowed 1-31"),
        ("*/0 * * * *", "cron `*/0 * * * *`: field 1 (minute): `*/0` has step 0; allowed steps 1-59, e.g. `*/15`"),
        ("0 0 * * */8", "cron `0 0 * * */8`: field 5 (day-of-week): `*/8` has step 8; allowed steps 1-7, e.g. `*/15`"),
        ("*/x * * * *", "cron `*/x * * * *`: field 1 (minute): `*/x` has a step that is not a number; allowed steps 1-59, e.g. `*/15`"),
        ("*/ * * * *", "cron `*/ * * * *`: field 1 (minute): `*/` has a step that is not a number; allowed steps 1-59, e.g. `*/15`"),
        ("1/2/3 * * * *", "cron `1/2/3 * * * *`: field 1 (minute): `1/2/3` has more than one `/`; allowed \(forms)"),
        (
            "30-10 * * * *",
            "cron `30-10 * * * *`: field 1 (minute): `30-10` runs backwards (30 is after 10); allowed ranges from low to high within 0-59"
        ),
        (
            "0 0 * * FRI-SUN",
            "cron `0 0 * * FRI-SUN`: field 5 (day-of-week): `FRI-SUN` runs backwards (5 is after 0); allowed ranges from low to high within \(days); for a range through Sunday use 7, e.g. `5-7`"
        ),
        ("1,,2 * * * *", "cron `1,,2 * * * *`: field 1 (minute): `1,,2` has an empty list item; allowed \(forms)"),
        ("0 9-17, * * *", "cron `0 9-17, * * *`: field 2 (hour): `9-17,` has an empty list item; allowed \(forms)"),
        ("1-2-3 * * * *", "cron `1-2-3 * * * *`: field 1 (minute): `1-2-3` is not a value, range or step; allowed \(forms)"),
        ("5- * * * *", "cron `5- * * * *`: field 1 (minute): `5-` is missing a number; allowed 0-59"),
        ("-5 * * * *", "cron `-5 * * * *`: field 1 (minute): `-5` is missing a number; allowed 0-59"),
        (
            "99999999999999999999 * * * *",
            "cron `99999999999999999999 * * * *`: field 1 (minute): `99999999999999999999` is out of range; allowed 0-59"
        ),
        (
            "0 0 31 2 *",
            "cron `0 0 31 2 *`: field 3 (day-of-month): `31` never occurs in month `2`, so this expression would never fire; allowed 1-29 in that month"
        ),
        (
            "0 0 31 APR,jun *",
            "cron `0 0 31 APR,jun *`: field 3 (day-of-month): `31` never occurs in month `APR,jun`, so this expression would never fire; allowed 1-30 in that month"
        ),
        ("@reboot", "cron `@reboot`: `@reboot` runs at boot, not at a time, so it cannot be scheduled here; allowed \(macros)"),
        ("@fortnightly", "cron `@fortnightly`: `@fortnightly` is not a cron macro; allowed \(macros)"),
        ("@daily 0", "cron `@daily 0`: `@daily 0` is not a cron macro; allowed \(macros)"),
        ("0 0 L * *", "cron `0 0 L * *`: field 3 (day-of-month): `L` is not a number; allowed 1-31"),
        ("0 0 ? * MON", "cron `0 0 ? * MON`: field 3 (day-of-month): `?` is not a number; allowed 1-31"),
    ]

    @Test("refuses a bad expression with a message that points at the field", arguments: refused)
    func refusesWithMessage(_ expression: String, _ message: String) {
        #expect(throws: CronError.self) { try CronExpression(parsing: expression) }
        do {
            _ = try CronExpression(parsing: expression)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func errorCarriesFieldTokenAndAllowedValues() {
        do {
            _ = try CronExpression(parsing: "0 25 * * *")
            Issue.record("`0 25 * * *` parsed")
        } catch {
            #expect(error.field == .hour)
            #expect(error.field?.position == 2)
            #expect(error.token == "25")
            #expect(error.allowed == "0-23")
            #expect(error.expression == "0 25 * * *")
        }
    }

    @Test func namesMeanTheirNumbers() throws {
        let start = TestTime.instant("2026-01-01T00:00:00Z")
        let zone = TestTime.zone("UTC")
        let pairs = [
            ("0 0 * jan-Mar,DEC sun,WED-fri", "0 0 * 1-3,12 0,3-5"),
            ("0 0 1 FEB,apr,JUN,aug,OCT,dec *", "0 0 1 2,4,6,8,10,12 *"),
            ("0 0 * * MON-FRI", "0 0 * * 1-5"), ("0 0 * * sat", "0 0 * * 6"), ("0 0 * * 7", "0 0 * * 0"),
            ("0 0 * * 0-7", "0 0 * * *"), ("0-59 0-23 1-31 1-12 0-6", "* * * * *"),
        ]
        for (named, numbered) in pairs {
            let a = try CronExpression(parsing: named), b = try CronExpression(parsing: numbered)
            #expect(a.fireTimes(after: start, in: zone, count: 40) == b.fireTimes(after: start, in: zone, count: 40), "\(named)")
        }
    }

    @Test func fieldsMaySeparateWithTabsAndRunsOfSpaces() throws {
        let cron = try CronExpression(parsing: "  15\t7-23   *  * \t*  ")
        #expect(cron.source == "15\t7-23   *  * \t*")
        #expect(cron.values(of: .hour) == Array(7...23))
    }

    @Test func possibleButRareDaysAreAccepted() throws {
        // Feb 29 (also on a Sunday only), a 31st in some chosen month, and the OR rule (every
        // Monday of February fires).
        for expression in ["0 0 29 2 *", "0 0 31 1,2 *", "0 0 30 2 MON", "0 0 29 2 */7", "0 0 30-31 * *"] {
            #expect(throws: Never.self, "\(expression)") { try CronExpression(parsing: expression) }
        }
        let weekly = try CronExpression(parsing: "0 0 30 2 MON")
        #expect(
            weekly.nextFireTime(after: TestTime.instant("2026-01-01T00:00:00Z"), in: TestTime.zone("UTC"))
                .map(TestTime.iso) == "2026-02-02T00:00:00Z")
    }

    @Test func stepLargerThanTheRangeKeepsItsStart() throws {
        #expect(try CronExpression(parsing: "10-20/59 * * * *").values(of: .minute) == [10])
        #expect(try CronExpression(parsing: "*/59 * * * *").values(of: .minute) == [0, 59])
    }

    @Test func dayOfWeekStepFromAValueRunsThroughSevenAsSunday() throws {
        // `1/2` is `1-7/2`: Monday, Wednesday, Friday, Sunday (7).
        #expect(try CronExpression(parsing: "0 0 * * 1/2").values(of: .dayOfWeek) == [0, 1, 3, 5])
        #expect(try CronExpression(parsing: "0 0 * * */2").values(of: .dayOfWeek) == [0, 2, 4, 6])
    }
}

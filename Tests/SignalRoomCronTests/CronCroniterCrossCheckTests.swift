import Foundation
import Testing
@testable import SignalRoomCron

/// DESIGN §5: the cron maths agrees with an independent implementation, Python's croniter,
/// on UTC fire times (croniter's daylight-saving rules differ from cron's, so zones with
/// changes are pinned by hand in `CronDaylightSavingTests`). Expressions where a day field
/// starts with `*` while the other is restricted are left out: croniter ORs them, Vixie cron
/// ANDs them (`CronFireTimeTests` pins ours).
/// Ranges have distinct ends because croniter 7.0 reads `9-9` as `*` and `59-59/2` as `*/2`;
/// 3,000 random expressions without those two quirks agreed on 20 fire times each.
///
/// Skipped, with a note in the report, where `python3 -c "import croniter"` fails;
/// `scripts/bootstrap` installs it.
@Suite("Cron against croniter")
struct CronCroniterCrossCheckTests {
    static let expressions = [
        "* * * * *", "*/5 * * * *", "*/7 * * * *", "5/15 * * * *", "10-50/20 * * * *", "1,5,10-12 * * * *",
        "0 * * * *", "30 */3 * * *", "15 7-23 * * *", "0 9-17/2 * * MON-FRI", "0 0 * * *", "0 12 * * 0",
        "0 0 * * 7", "0 0 * * 5-7", "0 0 * * SAT,SUN", "0 0 1 * *", "0 0 */10 * *", "0 0 31 * *",
        "0 0 29 2 *", "0 0 1 */4 *", "0 6 1,15 * *", "0 0 13 * FRI", "0 0 1,15 * MON", "*/20 1,2 * * *",
        "59 23 31 12 *", "0 9 * JAN,jul mon-fri", "0 0 * * */2", "45 4 1-7 * 1", "@hourly", "@daily",
        "@weekly", "@monthly", "@yearly",
    ]
    static let starts = ["2026-01-01T00:00:00Z", "2027-06-15T13:37:29Z", "2028-02-28T23:59:00Z"]
    static let count = 50

    @Test(
        .enabled(
            if: Croniter.isAvailable,
            "croniter is not importable by python3; run `python3 -m pip install croniter` (scripts/bootstrap does)"))
    func utcFireTimesMatchCroniter() throws {
        let startSeconds = Self.starts.map { Int(TestTime.instant($0).timeIntervalSince1970) }
        let theirs = try Croniter.fireTimes(of: Self.expressions, after: startSeconds, count: Self.count)
        let utc = TestTime.zone("UTC")
        var compared = 0
        for expression in Self.expressions {
            let cron = try CronExpression(parsing: expression)
            for (index, start) in startSeconds.enumerated() {
                let ours = cron.fireTimes(after: Date(timeIntervalSince1970: TimeInterval(start)), in: utc, count: Self.count)
                    .map { Int($0.timeIntervalSince1970) }
                let expected = try #require(theirs[expression]?[index], "croniter gave nothing for `\(expression)`")
                #expect(ours == expected, "`\(expression)` after \(Self.starts[index])")
                compared += ours.count
            }
        }
        #expect(compared == Self.expressions.count * Self.starts.count * Self.count)
    }
}

/// Runs croniter in a `python3` child process.
enum Croniter {
    static let isAvailable: Bool = (try? run(arguments: ["-c", "import croniter"], input: Data()).status) == 0

    /// For each expression, for each start (seconds since 1970, UTC), the next `count` fire
    /// times in UTC as seconds since 1970.
    static func fireTimes(of expressions: [String], after starts: [Int], count: Int) throws -> [String: [[Int]]] {
        let script = """
            import datetime, json, sys
            from croniter import croniter
            request = json.load(sys.stdin)
            result = {}
            for expression in request["expressions"]:
                rows = []
                for start in request["starts"]:
                    it = croniter(expression, datetime.datetime.fromtimestamp(start, datetime.timezone.utc))
                    rows.append([int(it.get_next(float)) for _ in range(request["count"])])
                result[expression] = rows
            json.dump(result, sys.stdout)
            """
        let request = try JSONSerialization.data(withJSONObject: ["expressions": expressions, "starts": starts, "count": count])
        let (status, output) = try run(arguments: ["-c", script], input: request)
        guard status == 0 else { throw CroniterFailure(message: "python3 exited with status \(status)") }
        return try JSONDecoder().decode([String: [[Int]]].self, from: output)
    }

    private static func run(arguments: [String], input: Data) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The request is a few kilobytes, well under a pipe's buffer, so writing it whole
        // before reading cannot deadlock.
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

struct CroniterFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

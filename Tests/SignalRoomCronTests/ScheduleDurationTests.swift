import Foundation
import Testing
@testable import SignalRoomCron

/// Durations for catch-up windows and jitter: units from largest to smallest, clear errors.
@Suite("Schedule durations")
struct ScheduleDurationTests {
    static let accepted: [(String, Int)] = [
        ("30s", 30), ("15m", 900), ("24h", 86_400), ("7d", 604_800), ("1h30m", 5_400), ("1d12h", 129_600),
        ("2h0m5s", 7_205), ("0s", 0), ("90m", 5_400), (" 10m ", 600), ("1d2h3m4s", 93_784),
        ("2w", 1_209_600), ("1w2d", 777_600),
    ]

    @Test("parses", arguments: accepted)
    func parses(_ text: String, _ seconds: Int) throws {
        #expect(try ScheduleDuration(parsing: text).seconds == seconds)
        #expect(try ScheduleDuration.seconds(text) == TimeInterval(seconds))
    }

    static let allowed = "s, m, h, d, w (e.g. 30s, 15m, 24h, 7d, 2w, 1h30m)"
    static let refused: [(String, String)] = [
        ("", "duration ``: is empty; allowed \(allowed)"),
        ("30", "duration `30`: a bare number has no unit; write e.g. 30d for 30 days or 30m for 30 minutes; allowed \(allowed)"),
        ("2d1w", "duration `2d1w`: units must go from largest to smallest, each once; allowed \(allowed)"),
        ("1h30", "duration `1h30`: `30` has no unit; allowed \(allowed)"),
        ("15x", "duration `15x`: `x` is not a unit; allowed \(allowed)"),
        ("15M", "duration `15M`: `M` is not a unit; allowed \(allowed)"),
        ("h", "duration `h`: unit `h` has no number before it; allowed \(allowed)"),
        ("30m1h", "duration `30m1h`: units must go from largest to smallest, each once; allowed \(allowed)"),
        ("1m1m", "duration `1m1m`: units must go from largest to smallest, each once; allowed \(allowed)"),
        ("-5m", "duration `-5m`: is negative; allowed \(allowed)"),
        ("1.5h", "duration `1.5h`: has a fraction; write e.g. 1h30m for one and a half hours; allowed \(allowed)"),
        ("1h 30m", "duration `1h 30m`: has a space inside; allowed \(allowed)"),
        ("9999999999999d", "duration `9999999999999d`: `9999999999999` is too large; allowed \(allowed)"),
    ]

    @Test("refuses with a clear message", arguments: refused)
    func refuses(_ text: String, _ message: String) {
        #expect(throws: ScheduleDurationError.self) { try ScheduleDuration(parsing: text) }
        do {
            _ = try ScheduleDuration(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func descriptionIsTheShortestSpellingAndParsesBack() throws {
        for seconds in [0, 1, 59, 60, 61, 3_600, 5_400, 86_400, 93_784, 604_800] {
            let duration = ScheduleDuration(seconds: seconds)
            #expect(try ScheduleDuration(parsing: duration.description) == duration)
        }
        #expect(ScheduleDuration(seconds: 5_400).description == "1h30m")
        #expect(ScheduleDuration(seconds: 0).description == "0s")
        #expect(ScheduleDuration(seconds: 604_800).description == "7d")
        #expect(ScheduleDuration(seconds: 5_400).duration == .seconds(5_400))
    }
}

import Foundation

/// A whole number of seconds: `30s`, `15m`, `24h`, `7d`, `2w`, or several units from largest to
/// smallest, `1h30m`, `1d12h`. The one duration grammar of SignalRoom: catch-up windows and
/// jitter in `schedules.json`, and the CLI's `--retention`, `SIGNALROOM_RETENTION` and
/// `--max-duration` all parse here, so a spelling that works in one works in all.
///
/// Parsing accepts only lowercase `w`, `d`, `h`, `m`, `s`, each at most once and in that order,
/// every unit preceded by a number; `0s` is zero. Anything else (a bare number, `1.5h`, `-5m`,
/// `15M`, spaces inside) is a `ScheduleDurationError`, never a guess: a bare `30` meant seconds
/// to one reader and days to another.
public struct ScheduleDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in seconds; never negative.
    public var seconds: Int

    public init(seconds: Int) {
        self.seconds = max(0, seconds)
    }

    /// Parses `30s`, `15m`, `24h`, `7d`, `2w`, `1h30m`; surrounding whitespace is ignored.
    public init(parsing text: String) throws(ScheduleDurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func fail(_ problem: String) -> ScheduleDurationError {
            ScheduleDurationError(text: text, problem: problem)
        }
        guard !trimmed.isEmpty else { throw fail("is empty") }
        var total = 0
        var number = ""
        var previousRank = Int.max
        for character in trimmed {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            guard let (rank, unitSeconds) = Self.units[character] else {
                switch character {
                case "-": throw fail("is negative")
                case ".", ",": throw fail("has a fraction; write e.g. 1h30m for one and a half hours")
                case " ", "\t": throw fail("has a space inside")
                default: throw fail("`\(character)` is not a unit")
                }
            }
            guard !number.isEmpty else { throw fail("unit `\(character)` has no number before it") }
            guard rank < previousRank else { throw fail("units must go from largest to smallest, each once") }
            // Twelve digits of weeks (6e17 s) is already far beyond any use, and five such
            // terms cannot overflow Int.
            guard number.count <= 12, let value = Int(number) else { throw fail("`\(number)` is too large") }
            total += value * unitSeconds
            number = ""
            previousRank = rank
        }
        guard number.isEmpty else {
            if number == trimmed {
                throw fail("a bare number has no unit; write e.g. \(number)d for \(number) days or \(number)m for \(number) minutes")
            }
            throw fail("`\(number)` has no unit")
        }
        self.seconds = total
    }

    /// The number of seconds `text` stands for (see `init(parsing:)`).
    public static func seconds(_ text: String) throws(ScheduleDurationError) -> TimeInterval {
        try ScheduleDuration(parsing: text).timeInterval
    }

    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    public var duration: Duration { .seconds(seconds) }

    /// The shortest spelling in days and smaller units that parses back to the same value:
    /// `1h30m`, `7d`, `0s` (weeks are accepted but not written: `14d` reads more plainly).
    public var description: String {
        guard seconds > 0 else { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    public static func < (lhs: ScheduleDuration, rhs: ScheduleDuration) -> Bool {
        lhs.seconds < rhs.seconds
    }

    static let allowed = "s, m, h, d, w (e.g. 30s, 15m, 24h, 7d, 2w, 1h30m)"

    /// Unit letter → (rank, seconds); a larger rank must come first.
    private static let units: [Character: (Int, Int)] = [
        "w": (4, 604_800), "d": (3, 86_400), "h": (2, 3_600), "m": (1, 60), "s": (0, 1),
    ]
}

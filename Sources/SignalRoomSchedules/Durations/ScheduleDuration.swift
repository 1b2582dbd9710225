import Foundation

/// A whole number of seconds written the way schedules write them: `30s`, `15m`, `24h`, `7d`,
/// or several units from largest to smallest, `1h30m`, `1d12h`. Used for catch-up windows and
/// jitter.
///
/// Parsing accepts only lowercase `d`, `h`, `m`, `s`, each at most once and in that order, every
/// unit preceded by a number; `0s` is zero. Anything else (a bare number, `1.5h`, `-5m`, `15M`,
/// spaces inside) is a `ScheduleDurationError`, never a guess.
public struct ScheduleDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in seconds; never negative.
    public var seconds: Int

    public init(seconds: Int) {
        self.seconds = max(0, seconds)
    }

    /// Parses `30s`, `15m`, `24h`, `7d`, `1h30m`; surrounding whitespace is ignored.
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
            // Twelve digits of days (8.6e16 s) is already far beyond any schedule, and four
            // such terms cannot overflow Int.
            guard number.count <= 12, let value = Int(number) else { throw fail("`\(number)` is too large") }
            total += value * unitSeconds
            number = ""
            previousRank = rank
        }
        guard number.isEmpty else { throw fail("`\(number)` has no unit") }
        self.seconds = total
    }

    /// The number of seconds `text` stands for (see `init(parsing:)`).
    public static func seconds(_ text: String) throws(ScheduleDurationError) -> TimeInterval {
        try ScheduleDuration(parsing: text).timeInterval
    }

    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    public var duration: Duration { .seconds(seconds) }

    /// The shortest spelling that parses back to the same value: `1h30m`, `7d`, `0s`.
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

    static let allowed = "s, m, h, d (e.g. 30s, 15m, 24h, 7d, 1h30m)"

    /// Unit letter → (rank, seconds); a larger rank must come first.
    private static let units: [Character: (Int, Int)] = ["d": (3, 86_400), "h": (2, 3_600), "m": (1, 60), "s": (0, 1)]
}

import Foundation
import SignalRoomCore

extension CronExpression {
    /// Parses a crontab(5) time specification; see the type's documentation for the syntax.
    ///
    /// Throws a `CronError` naming the field and what it allows, e.g.
    /// "cron `61 * * * *`: field 1 (minute): `61` is out of range; allowed 0-59".
    public init(parsing text: String) throws(CronError) {
        // Trimmed by hand: `trimmingCharacters(in:)` goes through NSString on Linux, and
        // `run-due` parses every schedule's expression each minute.
        var slice = Substring(text)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        let trimmed = slice.count == text.count ? text : String(slice)
        var body = trimmed
        if trimmed.hasPrefix("@") {
            guard let expansion = Self.macros.first(where: { $0.name == trimmed.lowercased() })?.expansion else {
                let problem =
                    trimmed.lowercased() == "@reboot"
                    ? "runs at boot, not at a time, so it cannot be scheduled here"
                    : "is not a cron macro"
                throw CronError(
                    expression: text, token: trimmed, problem: problem,
                    allowed: Self.macros.map(\.name).joined(separator: ", "))
            }
            body = expansion
        }
        let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            var problem = "expected 5 fields (\(CronField.layout)), found \(fields.count)"
            if fields.count > 5 { problem += " (seconds, years and commands are not part of a schedule)" }
            throw CronError(expression: text, problem: problem)
        }
        func parse(_ field: CronField) throws(CronError) -> UInt64 {
            try Self.parseField(fields[field.position - 1], as: field, expression: text)
        }
        let minutes = try parse(.minute)
        let hours = try parse(.hour)
        let daysOfMonth = try parse(.dayOfMonth)
        let months = try parse(.month)
        let daysOfWeek = try parse(.dayOfWeek)
        let hourText = fields[CronField.hour.position - 1]
        let dayOfMonthText = fields[CronField.dayOfMonth.position - 1]
        let dayOfWeekText = fields[CronField.dayOfWeek.position - 1]
        let daysMatchEither = !dayOfMonthText.hasPrefix("*") && !dayOfWeekText.hasPrefix("*")

        // With the AND rule a day needs a day-of-month that some chosen month has; with the
        // OR rule every chosen weekday fires, so only the AND rule can make a dead expression.
        if !daysMatchEither {
            let chosenMonths = CronField.month.starRange.filter { months & (1 << UInt64($0)) != 0 }
            let longest = chosenMonths.map(CivilDate.maximumDays(inMonth:)).max() ?? 31
            let firstDay = CronField.dayOfMonth.starRange.first { daysOfMonth & (1 << UInt64($0)) != 0 } ?? 1
            if firstDay > longest {
                let monthText = fields[CronField.month.position - 1]
                throw CronError(
                    expression: text, field: .dayOfMonth, token: String(dayOfMonthText),
                    problem: "never occurs in month `\(monthText)`, so this expression would never fire",
                    allowed: "1-\(longest) in that month")
            }
        }

        self.source = trimmed
        self.minuteSet = minutes
        self.hourSet = hours
        self.dayOfMonthSet = daysOfMonth
        self.monthSet = months
        self.dayOfWeekSet = daysOfWeek
        self.daysMatchEither = daysMatchEither
        self.isFixedTime = !hourText.contains(where: { $0 == "*" || $0 == "/" })
    }

    /// The macros and what they stand for, in the order error messages list them.
    static let macros: [(name: String, expansion: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ]

    private static let forms = "`*`, `5`, `1-5`, `*/15`, `10-50/5`, `5/15`, or a list of these such as `1,5,10-12`"

    /// One field's text → a bit set of the values it matches.
    private static func parseField(_ text: Substring, as field: CronField, expression: String) throws(CronError) -> UInt64 {
        func fail(_ token: Substring, _ problem: String, allowed: String = field.allowed) -> CronError {
            CronError(expression: expression, field: field, token: String(token), problem: problem, allowed: allowed)
        }
        var set: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail(text, "has an empty list item", allowed: forms) }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail(item, "has more than one `/`", allowed: forms) }
            var step = 1
            if parts.count == 2 {
                let stepText = parts[1]
                let stepsAllowed = "steps 1-\(field.range.upperBound), e.g. `*/15`"
                guard !stepText.isEmpty, stepText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw fail(item, "has a step that is not a number", allowed: stepsAllowed)
                }
                guard stepText.count <= 4, let value = Int(stepText), (1...field.range.upperBound).contains(value) else {
                    throw fail(item, "has step \(stepText)", allowed: stepsAllowed)
                }
                step = value
            }
            let rangeText = parts[0]
            let low: Int
            let high: Int
            if rangeText == "*" {
                (low, high) = (field.starRange.lowerBound, field.starRange.upperBound)
            } else {
                let bounds = rangeText.split(separator: "-", omittingEmptySubsequences: false)
                switch bounds.count {
                case 1:
                    low = try value(bounds[0], in: item, of: field, expression: expression)
                    // `a/n` means `a-<last>/n`, as cronie reads it.
                    high = parts.count == 2 ? field.range.upperBound : low
                case 2:
                    low = try value(bounds[0], in: item, of: field, expression: expression)
                    high = try value(bounds[1], in: item, of: field, expression: expression)
                    guard low <= high else {
                        let hint = field == .dayOfWeek && high == 0 ? "; for a range through Sunday use 7, e.g. `5-7`" : ""
                        throw fail(
                            item, "runs backwards (\(low) is after \(high))",
                            allowed: "ranges from low to high within \(field.allowed)\(hint)")
                    }
                default:
                    throw fail(item, "is not a value, range or step", allowed: forms)
                }
            }
            for value in stride(from: low, through: high, by: step) {
                set |= 1 << UInt64(field == .dayOfWeek && value == 7 ? 0 : value)
            }
        }
        return set
    }

    /// A number or a name in one field.
    private static func value(
        _ text: Substring, in item: Substring, of field: CronField,
        expression: String
    ) throws(CronError) -> Int {
        func fail(_ problem: String) -> CronError {
            CronError(
                expression: expression, field: field, token: String(text.isEmpty ? item : text),
                problem: problem, allowed: field.allowed)
        }
        guard !text.isEmpty else { throw fail("is missing a number") }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // More than four digits is out of every range; stop Int from overflowing.
            guard text.count <= 4, let number = Int(text), field.range.contains(number) else {
                throw fail("is out of range")
            }
            return number
        }
        if let index = field.names.firstIndex(of: text.uppercased()) {
            return field.starRange.lowerBound + index
        }
        switch field {
        case .month: throw fail("is not a month name")
        case .dayOfWeek: throw fail("is not a day name")
        default: throw fail("is not a number")
        }
    }
}

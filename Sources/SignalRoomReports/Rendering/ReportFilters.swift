import Foundation
import Stencil

/// The original platform's formatting, as Stencil filters. Written by hand (not
/// NumberFormatter) so the text is the same on every machine and locale, and a missing
/// value (a NULL, an empty day) formats as zero rather than failing.
///
/// - `number[:decimals]`: `1,234` (whole numbers by default)
/// - `currency[:decimals]`: `$1,234.56`, `-$12.00`
/// - `percent[:decimals]`: a ratio as `12.5%`
/// - `date[:short]`: `2024-12-02` as `Mon, Dec 2, 2024` (`Dec 2` with `short`)
/// - `delta:previous`: the change from `previous` as `+12.5%`, `-3.0%`, or `n/a` when
///   there is nothing to compare with
enum ReportFilters {
    static func makeExtension() -> Extension {
        let filters = Extension()
        filters.registerFilter("number") { value, arguments in
            grouped(number(value), decimals: try decimals(arguments, default: 0, filter: "number"))
        }
        filters.registerFilter("currency") { value, arguments in
            let amount = number(value)
            let text = grouped(abs(amount), decimals: try decimals(arguments, default: 2, filter: "currency"))
            return (amount < 0 && text.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "-$" : "$") + text
        }
        filters.registerFilter("percent") { value, arguments in
            grouped(number(value) * 100, decimals: try decimals(arguments, default: 1, filter: "percent")) + "%"
        }
        filters.registerFilter("date") { value, arguments in
            guard let text = value.map({ "\($0)" }), let formatted = day(text, short: (arguments.first as? String) == "short") else {
                return value.map { "\($0)" } ?? ""
            }
            return formatted
        }
        filters.registerFilter("delta") { value, arguments in
            guard let previousValue = arguments.first else {
                throw TemplateSyntaxError("delta needs the value to compare with: {{ today|delta:yesterday }}")
            }
            let previous = number(previousValue)
            guard previous != 0 else { return "n/a" }
            let change = (number(value) - previous) / abs(previous) * 100
            let text = grouped(abs(change), decimals: 1)
            return (change < 0 && text != "0.0" ? "-" : "+") + text + "%"
        }
        return filters
    }

    static func number(_ value: Any?) -> Double {
        switch value {
        case let number as Int: Double(number)
        case let number as Int64: Double(number)
        case let number as Double: number
        case let number as Float: Double(number)
        case let flag as Bool: flag ? 1 : 0
        case let text as String: Double(text) ?? 0
        default: 0
        }
    }

    private static func decimals(_ arguments: [Any?], default fallback: Int, filter: String) throws -> Int {
        guard let argument = arguments.first else { return fallback }
        let value = argument.flatMap { ($0 as? Int) ?? Int("\($0)") }
        guard let value, (0...6).contains(value) else {
            throw TemplateSyntaxError("\(filter) takes a number of decimals from 0 to 6, not \(argument.map { "\($0)" } ?? "nothing")")
        }
        return value
    }

    /// `1234567.891` with 2 decimals is `1,234,567.89` (half away from zero).
    static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let scale = pow(10, Double(decimals))
        let rounded = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        let whole = Int64(rounded / scale)
        let fraction = Int64(rounded - Double(whole) * scale)
        var digits = String(whole)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        var text = groups.joined(separator: ",")
        if decimals > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: max(0, decimals - fractionText.count)) + fractionText
        }
        let isZero = rounded == 0
        return (value < 0 && !isZero ? "-" : "") + text
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func day(_ text: String, short: Bool) -> String? {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        if short { return "\(months[month - 1]) \(day)" }
        // Zeller-free weekday: days since 1970-01-01 (a Thursday).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        let weekday = ((days % 7) + 7 + 4) % 7
        return "\(weekdays[weekday]), \(months[month - 1]) \(day), \(year)"
    }
}

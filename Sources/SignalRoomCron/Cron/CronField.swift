/// One of the five fields of a cron expression, in the order they are written.
public enum CronField: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case minute = 1
    case hour
    case dayOfMonth
    case month
    case dayOfWeek

    /// 1-based position in the expression, as error messages count.
    public var position: Int { rawValue }

    /// The name crontab(5) uses.
    public var description: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values a number in this field may take (day-of-week admits 7 as a second Sunday).
    public var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// What the field accepts, for error messages.
    public var allowed: String {
        switch self {
        case .month: "1-12 or JAN-DEC"
        case .dayOfWeek: "0-7 or SUN-SAT (0 and 7 are Sunday)"
        default: "\(range.lowerBound)-\(range.upperBound)"
        }
    }

    /// The three-letter names this field accepts, in value order (index + `range.lowerBound`).
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The values `*` stands for (day-of-week: 0-6, so a step never counts Sunday twice).
    var starRange: ClosedRange<Int> {
        self == .dayOfWeek ? 0...6 : range
    }

    static let layout = "minute hour day-of-month month day-of-week"
}

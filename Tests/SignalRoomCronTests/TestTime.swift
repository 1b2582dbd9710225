import Foundation
import Testing
@testable import SignalRoomCron

/// Instants written as ISO 8601 UTC, so expected fire times read like the README.
enum TestTime {
    static func instant(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { fatalError("tzdata lacks \(identifier)") }
        return zone
    }

    /// The instants at which `zone`'s offset changes in `year`, found through Foundation rather
    /// than hard-coded, with the offsets on either side.
    static func transitions(in zone: TimeZone, year: Int) -> [(instant: Date, before: Int, after: Int)] {
        var cursor = instant("\(year)-01-01T00:00:00Z")
        let end = instant("\(year + 1)-01-01T00:00:00Z")
        var found: [(Date, Int, Int)] = []
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            found.append((next, zone.secondsFromGMT(for: next.addingTimeInterval(-1)), zone.secondsFromGMT(for: next)))
            cursor = next
        }
        return found
    }
}

/// One row of a fire-time table: the next fire times of `expression` in `zone` after `after`.
struct FireCase: Sendable, CustomTestStringConvertible {
    var expression: String
    var zone: String
    var after: String
    var expected: [String]
    /// What the row pins, shown in the test report.
    var behaviour: String

    init(_ expression: String, in zone: String = "UTC", after: String, _ expected: [String], _ behaviour: String) {
        self.expression = expression
        self.zone = zone
        self.after = after
        self.expected = expected
        self.behaviour = behaviour
    }

    var testDescription: String { "`\(expression)` in \(zone) after \(after): \(behaviour)" }

    func actual() throws -> [String] {
        try CronExpression(parsing: expression)
            .fireTimes(after: TestTime.instant(after), in: TestTime.zone(zone), count: expected.count)
            .map(TestTime.iso)
    }
}

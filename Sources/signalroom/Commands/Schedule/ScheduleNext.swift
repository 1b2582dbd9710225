import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

struct ScheduleNext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Next fire times (UTC ISO 8601, one per line) of a schedule, or of --cron/--timezone.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Schedule id (or give --cron).") var id: String?
    @Option(
        help: ArgumentHelp("A cron expression to evaluate instead of a registered schedule.", valueName: "expression"),
        transform: { try OptionValues.cron($0, from: "--cron") })
    var cron: CronExpression?
    @Option(
        help: ArgumentHelp("IANA time zone for --cron (default: UTC).", valueName: "zone"),
        transform: { try OptionValues.timeZone($0, from: "--timezone") })
    var timezone: TimeZone?
    @Option(
        help: ArgumentHelp("Start after this instant (ISO 8601; default now).", valueName: "instant"),
        transform: { try OptionValues.instant($0, from: "--after") })
    var after: Date?
    @Option(help: "How many fire times.") var count: Int = 5

    func validate() throws {
        if (id == nil) == (cron == nil) { throw ValidationError("give a schedule id or --cron, not both or neither") }
        if timezone != nil, cron == nil { throw ValidationError("--timezone applies to --cron; a registered schedule has its own zone") }
        if count < 1 || count > 100_000 { throw ValidationError("--count must be 1 to 100000") }
    }

    func run() async throws {
        let settings = try global.settings()
        let start = after ?? Date()
        let expression: CronExpression
        let zone: TimeZone
        if let cron {
            expression = cron
            zone = timezone ?? TimeZone(identifier: "UTC")!
        } else {
            let item = try settings.registeredSchedule(id!).item
            expression = item.spec.cron
            zone = item.spec.timeZone
        }
        let times = expression.fireTimes(after: start, in: zone, count: count).map(ScheduleTime.iso)
        if settings.json { return try Output.json(times) }
        print(times.joined(separator: "\n"))
    }
}

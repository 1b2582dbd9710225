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
    @Option(help: "A cron expression to evaluate instead of a registered schedule.") var cron: String?
    @Option(help: "IANA time zone for --cron.") var timezone: String = "UTC"
    @Option(help: ArgumentHelp("Start after this instant (ISO 8601; default now).", valueName: "instant"),
            transform: { try OptionValues.instant($0, from: "--after") })
    var after: Date?
    @Option(help: "How many fire times.") var count: Int = 5

    func validate() throws {
        if (id == nil) == (cron == nil) { throw ValidationError("give a schedule id or --cron, not both or neither") }
        if count < 1 || count > 100_000 { throw ValidationError("--count must be 1 to 100000") }
    }

    func run() async throws {
        let settings = try global.settings()
        let start = after ?? Date()
        let expression: CronExpression
        let zone: TimeZone
        if let cron {
            do { expression = try CronExpression(parsing: cron) } catch { throw CommandFailure("\(error)", code: .usage) }
            guard let named = TimeZone(identifier: timezone) else {
                throw CommandFailure("--timezone \"\(timezone)\" is not an IANA time zone (e.g. America/New_York)", code: .usage)
            }
            zone = named
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

import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomScheduler

struct SchedulePasses: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passes", abstract: "The last run-due passes: when each ran, how long, what it did and its exit code.",
        discussion: """
            Every run-due pass is recorded in the state (state/run-due/passes.jsonl, or the PostgreSQL state's \
            run_due_passes; bounded), so you can tell whether cron still calls it, and on a shared state which \
            hosts do. Newest first.

            Examples:
              signalroom schedule passes --limit 5
              signalroom schedule passes --json | jq '.[0].started'
            """)
    @OptionGroup var global: GlobalOptions

    @Option(help: "How many passes to show.")
    var limit = 20

    func run() async throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        let settings = try global.settings()
        let records = try settings.stores().passes.recent(limit: limit)
        if settings.json { return try Output.json(records) }
        guard !records.isEmpty else {
            print("no run-due pass recorded; is the crontab line installed? (`signalroom schedule-setup --install-crontab`)")
            return
        }
        // Which host ran a pass matters once several share the state.
        let hosts = settings.state.isDatabase
        print(
            Output.table(
                ["STARTED (UTC)"] + (hosts ? ["HOST"] : []) + ["MS", "FIRED", "RESUMED", "SKIPPED", "PRUNED", "FAILED", "EXIT", "ERROR"],
                records.map {
                    [Timestamp.format($0.started) + ($0.asOf.map { " (as of \(Timestamp.format($0)))" } ?? "")]
                        + (hosts ? [$0.host ?? "-"] : [])
                        + [
                            String($0.durationMilliseconds), String($0.fired), String($0.resumed), String($0.skipped), String($0.pruned),
                            String($0.failed + $0.unhandled), String($0.exitCode), $0.error ?? "",
                        ]
                }))
    }
}

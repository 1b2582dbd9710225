import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomRuntime

struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Move the state between a directory and PostgreSQL.",
        subcommands: [StateCopyCommand.self])
}

struct StateCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy this state (runs, histories, logs, schedules, pass records, alerts) into an empty one.",
        discussion: """
            The state the command runs on (--state, SIGNALROOM_STATE_URL) is the source and is left \
            as it was; every history is read back from the copy and compared line for line. \
            Then point every host at the copy: SIGNALROOM_STATE_URL (and SIGNALROOM_STATE_SCHEMA) in \
            .env for PostgreSQL; for a directory, remove those from .env and the environment \
            (a state URL wins over --state DIR) and reinstall the crontab lines if the directory changed.

            Examples:
              signalroom state copy --to postgres://signalroom@db.internal:5432/ops
              SIGNALROOM_STATE_URL=postgres://… signalroom state copy --to ./state-from-postgres
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The empty state to copy into: a directory, or a postgres:// URL.", valueName: "dir|url"))
    var to: String

    @Option(help: ArgumentHelp("The schema of a PostgreSQL destination (default: SIGNALROOM_STATE_SCHEMA's).", valueName: "schema"))
    var toSchema: String?

    @Flag(help: "Copy open runs too (each held while it is copied, left open in the copy); without it open runs are refused.")
    var includeOpen = false

    func run() async throws {
        let settings = try global.settings()
        let destination: StateLocation =
            if StateLocation.isDatabaseURL(to) {
                .postgres(url: to, schema: toSchema ?? EnvironmentVariable.stateSchema.valueOrDefault(in: settings.environment))
            } else {
                .directory(URL(fileURLWithPath: to).standardizedFileURL)
            }
        if destination == settings.state.location { throw CommandFailure("--to names the state being copied; name an empty one", code: .usage) }
        let summary: StateCopy.Summary
        let copy: StateStores
        do {
            copy = try StateStores.open(destination)
            summary = try StateCopy(source: try settings.stores(), destination: copy, includeOpen: includeOpen).run()
        } catch let error as StateCopyError {
            switch error {
            case .openRuns, .openRunHeld, .destinationNotEmpty: throw CommandFailure(error.description, code: .conflict)
            case .emptyHistory, .differs, .partial: throw CommandFailure(error.description, code: .stateDamaged)
            }
        }
        if settings.json { return try Output.json(summary) }
        print(
            "copied \(summary.runs) runs (\(summary.openRuns) open, \(summary.events) events, \(summary.logLines) log lines), "
                + "\(summary.schedules) schedules, \(summary.passRecords) pass records, \(summary.alerts) alerts into "
                + copy.place)
    }
}

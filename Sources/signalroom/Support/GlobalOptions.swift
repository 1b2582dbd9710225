import ArgumentParser
import Foundation
import Logging
import SignalRoomCore
import SignalRoomRuntime
import SignalRoomWorkflows

/// Options every command takes. Environment variables (and a `.env` file in the working
/// directory) give defaults; flags win.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("state"),
        help: ArgumentHelp(
            "State directory, or a postgres:// URL for a state several hosts share (\(EnvironmentVariable.stateDirectory.optionNote),"
                + " \(EnvironmentVariable.stateURL.name)); with a URL set, the directory keeps only this host's logs.",
            valueName: "dir|url"))
    var stateDirectory: String?

    @Flag(help: "Print results as JSON for machines.")
    var json = false

    @Flag(name: [.customShort("v"), .long], help: "Log at debug level (as --log-level debug).")
    var verbose = false

    @Flag(name: [.customShort("q"), .long], help: "Only errors on stderr: log level error, no progress line.")
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "Lowest log level written to stderr: \(LogLevelName.all.joined(separator: ", ")) (\(EnvironmentVariable.logLevel.optionNote)).",
            valueName: "level"),
        transform: { try OptionValues.logLevel($0, from: "--log-level") })
    var logLevel: Logger.Level?

    @Option(
        help: ArgumentHelp("Log line format on stderr: \(LogFormat.allowed) (\(EnvironmentVariable.logFormat.optionNote)).", valueName: "format"),
        transform: { try OptionValues.logFormat($0, from: "--log-format") })
    var logFormat: LogFormat?

    @Option(
        help: ArgumentHelp(
            "Waits longer than this park the run for a later invocation instead of being slept (\(EnvironmentVariable.parkAfter.optionNote)).",
            valueName: "seconds"),
        transform: { try OptionValues.seconds($0, from: "--park-after") })
    var parkAfter: Duration?
}

extension EnvironmentVariable {
    /// `env NAME, default D` for an option's help, from the one table.
    var optionNote: String { "env \(name)" + (shownDefault.map { ", default \($0)" } ?? "") }
}

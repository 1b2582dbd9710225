import ArgumentParser
import Foundation

/// Options every command takes. Environment variables (and a `.env` file in the working
/// directory) give defaults; flags win.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp("State directory (histories, indexes).", valueName: "dir"))
    var stateDirectory: String?

    @Flag(help: "Print results as JSON for machines.")
    var json = false

    @Option(help: "Lowest log level written to stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(help: "Log line format on stderr: text or json.")
    var logFormat: String?

    @Option(help: ArgumentHelp("Waits longer than this park the run for a later invocation instead of being slept (env SIGNALROOM_PARK_AFTER).", valueName: "seconds"))
    var parkAfter: Double?

    func validate() throws {
        if let logFormat, !["text", "json"].contains(logFormat) {
            throw ValidationError("--log-format must be text or json, not \"\(logFormat)\"")
        }
        if let logLevel, LogLevelName.parse(logLevel) == nil {
            throw ValidationError("--log-level must be one of \(LogLevelName.all.joined(separator: ", ")), not \"\(logLevel)\"")
        }
        if let parkAfter, parkAfter < 0 {
            throw ValidationError("--park-after must be zero or more seconds")
        }
    }
}

import ArgumentParser

/// Commands whose names are taken now and that arrive with their own issues; each says so
/// instead of pretending to work.
private func notYet(_ command: String, _ arrives: String) -> CommandFailure {
    CommandFailure("`signalroom \(command)` is not available in this build yet (it arrives with \(arrives))", code: .usage)
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Render and send a report (not available yet).")
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() throws { throw notYet("report", "the reports work") }
}

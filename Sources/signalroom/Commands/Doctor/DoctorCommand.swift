import ArgumentParser
import Foundation

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the installation: what runs run-due and when it last ran, the state, the schedules' settings, the warehouse, alerts.",
        discussion: """
            One line per check: ok, warning or problem, each warning and problem with what to do. \
            Exits 1 when there is a problem (warnings alone exit 0), so a CI job or a monitor can run it.

            Examples:
              signalroom doctor
              signalroom doctor --json | jq '.checks[] | select(.status != "ok")'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp("Judge ages (the last pass, runs left behind) as if it were this time (ISO 8601); for tests.", valueName: "instant"),
        transform: { try OptionValues.instant($0, from: "--now") })
    var now: Date?

    struct Report: Encodable {
        var checks: [DoctorCheck]
        var problems: Int
        var warnings: Int
    }

    func run() async throws {
        let settings = try global.settings()
        let checks = await Doctor(settings: settings, now: now ?? Date()).run()
        let problems = checks.filter { $0.status == .problem }.count
        let warnings = checks.filter { $0.status == .warning }.count
        if settings.json {
            try Output.json(Report(checks: checks, problems: problems, warnings: warnings))
        } else {
            for check in checks { print(check.line) }
            print(
                problems + warnings == 0
                    ? "all good" : "\(problems) problem\(problems == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        }
        if problems > 0 { throw ExitCode(ExitStatus.workflowUnsuccessful.rawValue) }
    }
}

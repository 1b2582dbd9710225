import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomReports
import SignalRoomRuntime
import SignalRoomWorkflows

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a report; with --send, deliver it through its channel as a durable workflow.",
        discussion: """
            Without --send the report is rendered for the channel and printed (or written to --output); \
            nothing is sent. With --send it runs RunReportWorkflow and waits: exit 0 when it was sent, 1 when \
            it failed (an alert then goes out through the alert report). Parameters are bound into the \
            queries, never spliced into SQL.

            Examples:
              signalroom report sample_orders --date 2024-12-02       # the Slack text on stdout
              signalroom report daily_ccw --channel email --send      # e-mail yesterday's through Resend
              signalroom report daily_ccw --param advertiser_id=1 --output ccw.txt
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Report name (`signalroom reports` lists them).")
    var name: String

    @Option(
        help: ArgumentHelp("\(Self.channels.joined(separator: ", ")) (default: the report's first channel).", valueName: "channel"),
        transform: { try OptionValues.choice($0, from: "--channel", is: "a channel", allowed: Self.channels) })
    var channel: String?

    @Option(
        help: ArgumentHelp("The report's date: YYYY-MM-DD, yesterday (default) or today, in the report's zone.", valueName: "date"),
        transform: { try Self.reportDate($0) })
    var date: String?

    /// Every channel a report can name, and stdout, which every report has.
    static let channels = ReportDefinition.channelsKnown + ["stdout"]

    /// A day as the report's `date` parameter takes it; "yesterday" and "today" are resolved
    /// later, in the report's zone.
    static func reportDate(_ text: String) throws(OptionValueError) -> String {
        guard CivilDate(text) != nil || ["yesterday", "today"].contains(text.lowercased()) else {
            throw OptionValueError("--date \"\(text)\": expected a date as YYYY-MM-DD, yesterday or today")
        }
        return text
    }

    @Option(
        name: .customLong("param"), help: ArgumentHelp("A report parameter (repeatable).", valueName: "name=value"),
        transform: { try OptionValues.assignment($0, from: "--param") })
    var params: [Assignment] = []

    @Flag(help: "Send it through the channel instead of printing it.")
    var send = false

    @Option(help: ArgumentHelp("Write the rendered text to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: "Workflow id with --send (default: report-<name>-<channel>).")
    var id: String?

    func validate() throws {
        if send, output != nil { throw ValidationError("--output writes the rendered text; it cannot be combined with --send") }
    }

    var givenParams: [String: String] {
        var given: [String: String] = [:]
        for param in params { given[param.name] = param.value }
        if let date { given["date"] = date }
        return given
    }

    func run() async throws {
        let settings = try global.settings()
        let services = settings.pipelineServices()
        let input: RunReportActivity.Input
        do {
            input = try ReportOperation.prepare(report: name, channel: channel, send: send, params: givenParams, services: services)
        } catch let error as ReportError {
            throw CommandFailure(error.description, code: .usage)
        }
        guard send else {
            let rendered = try await RunReportActivity.render(input, services: services)
            let text =
                settings.json
                ? try Output.jsonText(rendered)
                : (rendered.subject.map { "Subject: \($0)\n\n" } ?? "") + rendered.text
            guard let output else {
                print(text)
                return
            }
            do {
                // The same bytes as stdout would get; atomic, so a failed write never leaves
                // half a report where the old one was.
                try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
                throw CommandFailure(
                    "cannot write --output \(output): \(reason); check that its directory exists and is writable",
                    code: .usage)
            }
            return
        }
        var workflowInput = RunReportWorkflow.Input(report: name)
        workflowInput.channel = input.channel
        workflowInput.params = input.params
        let store = try settings.store()
        let engine = settings.engine(store: store, services: services)
        let claimed = try engine.start(
            workflowType: RunReportWorkflow.name, workflowId: id ?? "report-\(name)-\(input.channel)",
            input: try JSONValue(encoding: workflowInput))
        let outcome = try await engine.execute(claimed)
        throw ExitCode(try OutcomeReport(run: claimed.run, outcome: outcome).emit(json: settings.json).rawValue)
    }
}

import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomReports
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
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Report name (`signalroom reports` lists them).")
    var name: String

    @Option(help: ArgumentHelp("\(Self.channels.joined(separator: ", ")) (default: the report's first channel).", valueName: "channel"),
            transform: { try OptionValues.choice($0, from: "--channel", is: "a channel", allowed: Self.channels) })
    var channel: String?

    @Option(help: ArgumentHelp("The report's date: YYYY-MM-DD, yesterday (default) or today, in the report's zone.", valueName: "date"),
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

    @Option(name: .customLong("param"), help: ArgumentHelp("A report parameter (repeatable).", valueName: "name=value"))
    var params: [String] = []

    @Flag(help: "Send it through the channel instead of printing it.")
    var send = false

    @Option(help: ArgumentHelp("Write the rendered text to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: "Workflow id with --send (default: report-<name>-<channel>).")
    var id: String?

    func validate() throws {
        for param in params where !param.contains("=") || param.hasPrefix("=") {
            throw ValidationError("--param \"\(param)\" is not name=value")
        }
        if send, output != nil { throw ValidationError("--output writes the rendered text; it cannot be combined with --send") }
    }

    var givenParams: [String: String] {
        var given: [String: String] = [:]
        for param in params {
            let parts = param.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            given[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        if let date { given["date"] = date }
        return given
    }

    func run() async throws {
        let settings = try global.settings()
        let services = settings.pipelineServices()
        let report: ReportDefinition
        let input: RunReportActivity.Input
        do {
            report = try services.reports.report(named: name)
            let chosen = channel ?? report.channels.first ?? "stdout"
            input = RunReportActivity.Input(report: name, channel: chosen, send: send, params: givenParams)
            // Bad parameters and channels are usage errors, found before anything runs.
            if chosen != "stdout", !report.channels.contains(chosen) {
                throw ReportError.unknownChannel(report: name, channel: chosen, channels: report.channels)
            }
            _ = try ReportParameters(resolving: input.params, for: report, now: Date())
            if send { _ = try services.channels().channel(named: chosen, output: { _ in }) }
        } catch let error as ReportError {
            throw CommandFailure(error.description, code: .usage)
        }
        guard send else {
            let rendered = try await RunReportActivity.render(input, services: services)
            let text = settings.json
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
                throw CommandFailure("cannot write --output \(output): \(reason); check that its directory exists and is writable",
                                     code: .usage)
            }
            return
        }
        var workflowInput = RunReportWorkflow.Input(report: name)
        workflowInput.channel = input.channel
        workflowInput.params = input.params
        let store = try settings.store()
        let engine = settings.engine(store: store, services: services)
        let claimed = try engine.start(workflowType: RunReportWorkflow.name, workflowId: id ?? "report-\(name)-\(input.channel)",
                                       input: try JSONValue(encoding: workflowInput))
        let outcome = try await engine.execute(claimed)
        throw ExitCode(try OutcomeReport(run: claimed.run, outcome: outcome).emit(json: settings.json).rawValue)
    }
}

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reports", abstract: "List the reports with their channels and parameters.")

    @OptionGroup var global: GlobalOptions

    struct Listing: Encodable {
        struct Param: Encodable {
            var name: String
            var type: String
            var defaultValue: String?
            var description: String
        }
        var name: String
        var description: String
        var channels: [String]
        var params: [Param]
        var problem: String?
    }

    func run() async throws {
        let settings = try global.settings()
        let library = settings.pipelineServices().reports
        var listings: [Listing] = []
        for name in library.names {
            do {
                let report = try library.report(named: name)
                listings.append(Listing(name: name, description: report.description, channels: report.channels,
                                        params: report.parameters.map { .init(name: $0.name, type: $0.type.rawValue, defaultValue: $0.defaultValue, description: $0.description) }))
            } catch {
                listings.append(Listing(name: name, description: "", channels: [], params: [], problem: "\(error)"))
            }
        }
        if settings.json {
            try Output.json(listings)
            return
        }
        if listings.isEmpty { print("no reports in \(library.directory.path)") }
        for listing in listings {
            print("\(listing.name): \(listing.description)")
            print("  channels: \(listing.channels.joined(separator: ", ")) (and stdout)")
            for param in listing.params {
                print("  --param \(param.name)=<\(param.type)>" + (param.defaultValue.map { " (default \($0))" } ?? "") + (param.description.isEmpty ? "" : ": \(param.description)"))
            }
            if let problem = listing.problem { print("  problem: \(problem)") }
        }
    }
}

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "Warehouse models and seeds.", subcommands: [ModelsApply.self])
}

struct ModelsApply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Load seeds/*.csv into the analytics dataset and create the models/*.sql views.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let result = try await ApplyModelsActivity.apply(settings.pipelineServices(), strict: true)
        if settings.json {
            try Output.json(result)
            return
        }
        for (table, rows) in result.seeds.sorted(by: { $0.key < $1.key }) { print("seed analytics.\(table): \(rows) rows") }
        for model in result.models { print("model \(model)") }
        if result.seeds.isEmpty, result.models.isEmpty { print("no seeds and no models to apply") }
    }
}

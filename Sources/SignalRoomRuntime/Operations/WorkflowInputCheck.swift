import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomReports
import SignalRoomWorkflows

/// Checks a workflow input before anything runs: its shape (the workflow's own decoding) and
/// the names in it against this build and configuration: sources and their resources,
/// reports, their channels and parameters. `schedule-setup` runs it on every schedule so
/// that a typo fails at setup, not at 07:00 in a cron job; the scheduler itself knows
/// nothing of sources or reports.
public struct WorkflowInputCheck: Sendable {
    public struct Problem: Sendable, Equatable {
        /// The input field, e.g. `input.source`, `input.params.dte`.
        public var field: String
        public var message: String
    }

    let registry: WorkflowRegistry
    let configuration: RuntimeConfiguration

    public init(configuration: RuntimeConfiguration) {
        self.configuration = configuration
        registry = BuiltinWorkflows.registry()
    }

    /// Every problem found, one per name; empty when the input is fine. Names whose set
    /// depends on the environment (the `files` source's directories, `S3_PREFIXES`) are
    /// checked only when that configuration is present.
    public func problems(workflow: String, input: JSONValue) async -> [Problem] {
        do {
            try registry.validateInput(input, forWorkflow: workflow)
        } catch {
            return [Problem(field: "input", message: "does not fit workflow \(workflow): \(Self.plain(error))")]
        }
        switch workflow {
        case SyncSourceWorkflow.name:
            guard let decoded = try? input.decode(SyncSourceWorkflow.Input.self) else { return [] }
            let source = sourceProblems([decoded.source], field: "input.source")
            guard source.isEmpty else { return source }
            return await resourceProblems(decoded.resources ?? [], of: decoded.source)
        case ScheduledSyncWorkflow.name:
            guard let decoded = try? input.decode(ScheduledSyncWorkflow.Input.self) else { return [] }
            return sourceProblems(decoded.sources, field: "input.sources")
        case RunReportWorkflow.name:
            guard let decoded = try? input.decode(RunReportWorkflow.Input.self) else { return [] }
            return reportProblems(decoded)
        default:
            return []
        }
    }

    /// What the run would fail on for want of configuration: a source it syncs that cannot
    /// be built from the settings (a missing key), a channel it sends to without its
    /// settings. `doctor` asks this of every schedule; the input is assumed to be valid.
    public func settingsProblems(workflow: String, input: JSONValue) -> [Problem] {
        var sources: [(String, String)] = []
        var channel: String?
        switch workflow {
        case SyncSourceWorkflow.name:
            if let decoded = try? input.decode(SyncSourceWorkflow.Input.self) { sources = [(decoded.source, "input.source")] }
        case ScheduledSyncWorkflow.name:
            if let decoded = try? input.decode(ScheduledSyncWorkflow.Input.self) { sources = decoded.sources.map { ($0, "input.sources") } }
        case RunReportWorkflow.name:
            if let decoded = try? input.decode(RunReportWorkflow.Input.self), decoded.send { channel = decoded.channel }
        default:
            break
        }
        var problems: [Problem] = []
        for (name, field) in sources {
            do {
                _ = try configuration.sources.source(named: name)
            } catch {
                problems.append(Problem(field: field, message: "source \(name): \(error)"))
            }
        }
        if let channel {
            do {
                _ = try configuration.channel(named: channel, output: { _ in })
            } catch {
                problems.append(Problem(field: "input.channel", message: "channel \(channel): \(error)"))
            }
        }
        return problems
    }

    private func sourceProblems(_ names: [String], field: String) -> [Problem] {
        names.filter { !SourceCatalog.names.contains($0) }.map {
            Problem(field: field, message: "`\($0)` is not a source of this build; known: \(SourceCatalog.names.joined(separator: ", "))")
        }
    }

    private func resourceProblems(_ names: [String], of sourceName: String) async -> [Problem] {
        guard !names.isEmpty else { return [] }
        let known: [String]
        if let entry = configuration.sources.entries.first(where: { $0.name == sourceName }), ["everflow", "redtrack"].contains(sourceName) {
            known = entry.resources
        } else if let source = try? configuration.sources.source(named: sourceName), let resources = try? await source.resources() {
            known = resources.map(\.name)
        } else {
            return []  // not configured here; the run reports it with its configuration
        }
        return names.filter { !known.contains($0) }.map {
            Problem(field: "input.resources", message: "`\($0)` is not a resource of \(sourceName); known: \(known.joined(separator: ", "))")
        }
    }

    private func reportProblems(_ input: RunReportWorkflow.Input) -> [Problem] {
        let library = configuration.reports
        let report: ReportDefinition
        do {
            report = try library.report(named: input.report)
        } catch {
            return [Problem(field: "input.report", message: "\(error)")]
        }
        var problems: [Problem] = []
        if input.channel != "stdout", !report.channels.contains(input.channel) {
            problems.append(
                Problem(
                    field: "input.channel",
                    message: "`\(input.channel)` is not a channel of report \(report.name); "
                        + "known: \((report.channels + ["stdout"]).joined(separator: ", "))"))
        }
        let known = report.parameters.map(\.name)
        for name in input.params.keys.sorted() where !known.contains(name) {
            problems.append(
                Problem(
                    field: "input.params.\(name)", message: "is not a parameter of report \(report.name); known: \(known.joined(separator: ", "))"))
        }
        // Values (a date the calendar has, a number) for the known names.
        let given = input.params.filter { known.contains($0.key) }
        do {
            _ = try ReportParameters(resolving: given, for: report, now: Date())
        } catch {
            problems.append(Problem(field: "input.params", message: "\(error)"))
        }
        return problems
    }

    /// The message inside a `DecodingError`, without Swift's wrapping.
    static func plain(_ error: Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?, .keyNotFound(_, let context)?, .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            let path = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }.joined(separator: ".")
            return path.isEmpty || context.debugDescription.contains("`\(path)`") ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

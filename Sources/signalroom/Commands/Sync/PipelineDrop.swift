import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomRuntime
import SignalRoomWorkflows

struct PipelineDrop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop",
        abstract: "Drop a source's tables (or one resource's) with their cursors and load records, so the next sync starts over.",
        discussion: """
            One transaction: the tables the source loaded, their stage tables, and their rows in _signalroom_loads, \
            _signalroom_state and _signalroom_columns. Refused (exit 3) while a sync of the source is open. Nothing \
            happens without --yes.

            Examples:
              signalroom pipeline drop files --resource orders_update --yes
              signalroom pipeline drop everflow --yes && signalroom sync everflow --start-date 2026-01-01 --end-date 2026-11-30
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Source name.")
    var source: String

    @Option(help: "Only this resource's table, cursor and loads.")
    var resource: String?

    @Flag(help: "Really drop them.")
    var yes = false

    struct Dropped: Encodable {
        var source: String
        var dataset: String
        var resource: String?
        var tables: [String]
    }

    func run() async throws {
        let settings = try global.settings()
        let runtime = settings.runtime
        guard let configured = runtime.sources.entries.first(where: { $0.name == source }) else {
            throw SourceConfigurationError.unknownSource(name: source, known: SourceCatalog.names)
        }
        let what = resource.map { "resource \($0) of \(source)" } ?? "source \(source)"
        guard yes else {
            throw CommandFailure(
                "pipeline drop deletes the tables, cursors and load records of \(what) in dataset \(configured.dataset); run it again with --yes",
                code: .usage)
        }
        if let open = try openSync(of: source, settings: settings) {
            throw CommandFailure(
                "a sync of \(source) is open (\(open.workflowId), run \(open.runId)); let it finish or `signalroom workflow cancel \(open.workflowId)` first",
                code: .conflict)
        }
        let destination = try runtime.destination()
        guard let tables = try await destination.drop(ofDataset: configured.dataset, pipeline: configured.name, resource: resource) else {
            throw CommandFailure(
                "source \(source) has never been loaded: no dataset \(configured.dataset) in \(destination.location); nothing to drop",
                code: .notFound)
        }
        if tables.isEmpty, let resource {
            throw CommandFailure("\(source) has no loads of resource \(resource) in dataset \(configured.dataset); nothing to drop", code: .notFound)
        }
        if settings.json { return try Output.json(Dropped(source: source, dataset: configured.dataset, resource: resource, tables: tables)) }
        let names = tables.map { "\(configured.dataset).\($0)" }.joined(separator: ", ")
        print(
            tables.isEmpty
                ? "\(source) had nothing loaded; its ledger is clear"
                : "dropped \(names) and forgot their loads and cursors: the next `signalroom sync \(source)` loads from the start")
    }

    /// An open sync run whose sources include `source`.
    private func openSync(of source: String, settings: Settings) throws -> RunReference? {
        guard FileManager.default.fileExists(atPath: settings.stateDirectory.path) else { return nil }
        let store = try settings.store(create: false)
        for entry in try store.openRuns() {
            guard let started = try? store.started(entry.run) else { continue }
            let sources: [String]
            switch started.workflowType {
            case SyncSourceWorkflow.name: sources = (try? started.input.decode(SyncSourceWorkflow.Input.self)).map { [$0.source] } ?? []
            case ScheduledSyncWorkflow.name: sources = (try? started.input.decode(ScheduledSyncWorkflow.Input.self))?.sources ?? []
            default: sources = []
            }
            if sources.contains(source) { return entry.run }
        }
        return nil
    }
}

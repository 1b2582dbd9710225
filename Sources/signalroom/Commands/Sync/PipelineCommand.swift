import ArgumentParser
import Foundation
import SignalRoomPipelines
import SignalRoomRuntime
import SignalRoomWorkflows

struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Inspect pipelines: their cursors, loads and tables.",
        subcommands: [PipelineInfo.self, PipelineLoads.self, PipelineDrop.self])
}

struct PipelineInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a source's cursor values, last loads and row counts per table.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Source name.")
    var source: String

    func run() async throws {
        let settings = try global.settings()
        let runtime = settings.runtime
        // Reading the warehouse needs the dataset's name, not the source's credentials.
        guard let configured = runtime.sources.entries.first(where: { $0.name == source }) else {
            throw SourceConfigurationError.unknownSource(name: source, known: SourceCatalog.names)
        }
        let destination = try runtime.destination()
        guard let description = try await destination.description(ofDataset: configured.dataset, pipeline: configured.name) else {
            throw CommandFailure(
                "source \(source) has never been loaded: no dataset \(configured.dataset) in \(destination.location); run `signalroom sync \(source)`",
                code: .notFound)
        }
        if settings.json {
            try Output.json(description)
            return
        }
        print("source \(source), dataset \(description.dataset) in \(destination.location)")
        print("\ntables:")
        print(
            Output.table(
                ["table", "rows", "columns"],
                description.tables.map { ["\(description.dataset).\($0.name)", SyncProgressLine.count($0.rows), String($0.columns)] }))
        print("\ncursors:")
        if description.cursors.isEmpty {
            print("(none yet)")
        } else {
            print(
                Output.table(
                    ["resource", "field", "value", "load", "updated"],
                    description.cursors.map { [$0.resource, $0.field, $0.value, $0.loadId, $0.updated] }))
        }
        print("\nlast loads:")
        print(
            Output.table(
                ["load", "resource", "table", "status", "rows", "started", "finished"],
                description.loads.map {
                    [$0.loadId, $0.resource, $0.table, $0.status, SyncProgressLine.count($0.rows), $0.started, $0.finished ?? "-"]
                }))
        for load in description.loads where load.error != nil {
            print("  \(load.loadId): \(load.error!)")
        }
    }
}

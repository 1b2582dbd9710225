import ArgumentParser
import Foundation
import SignalRoomPipelines
import SignalRoomRuntime

struct PipelineLoads: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loads",
        abstract: "List a source's loads, newest first, with the error of each failed one.",
        discussion: """
            Reads only the warehouse (the source's credentials need not be set); a source never loaded is exit 4.

            Examples:
              signalroom pipeline loads everflow --failed
              signalroom pipeline loads files --limit 200 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Source name.")
    var source: String

    @Flag(help: "Only the failed loads (failed, failed_resumable).")
    var failed = false

    @Option(help: "How many loads to show.")
    var limit = 50

    func run() async throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        let settings = try global.settings()
        let runtime = settings.runtime
        guard let configured = runtime.sources.entries.first(where: { $0.name == source }) else {
            throw SourceConfigurationError.unknownSource(name: source, known: SourceCatalog.names)
        }
        let destination = try runtime.destination()
        guard let loads = try await destination.loads(ofDataset: configured.dataset, pipeline: configured.name, failedOnly: failed, limit: limit)
        else {
            throw CommandFailure(
                "source \(source) has never been loaded: no dataset \(configured.dataset) in \(destination.location); run `signalroom sync \(source)`",
                code: .notFound)
        }
        if settings.json { return try Output.json(loads) }
        guard !loads.isEmpty else { return print(failed ? "no failed loads of \(source)" : "no loads of \(source)") }
        print(
            Output.table(
                ["load", "resource", "table", "status", "rows", "started", "finished"],
                loads.map { [$0.loadId, $0.resource, $0.table, $0.status, SyncProgressLine.count($0.rows), $0.started, $0.finished ?? "-"] }))
        for load in loads where load.error != nil {
            print("  \(load.loadId): \(load.error!)")
        }
    }
}

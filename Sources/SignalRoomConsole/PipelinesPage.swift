import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines

/// `/pipelines`: each configured source with its dataset, tables and last load.
struct PipelinesPage {
    let data: any ConsoleData

    func render() async -> ConsoleResponse {
        let pipelines = await data.pipelines()
        var html = HTML()
        html.raw("<table>")
        html.header(["source", "dataset", "tables", "rows", "last load", "status"])
        for pipeline in pipelines {
            var name = HTML()
            name.link("/pipelines/\(HTML.component(pipeline.name))", pipeline.name)
            guard let description = pipeline.description else {
                let note = pipeline.problem ?? "never loaded; `signalroom sync \(pipeline.name)` loads it"
                html.row([
                    .markup(name.output), .text(pipeline.dataset), .text("-"), .text("-"), .text("-"),
                    .classed(note, pipeline.problem == nil ? "muted" : "problem"),
                ])
                continue
            }
            let last = description.loads.first
            html.row([
                .markup(name.output), .text(description.dataset), .classed(String(description.tables.count), "num"),
                .classed(description.tables.reduce(0) { $0 + $1.rows }.formatted(), "num"), .text(last?.started ?? "-"),
                .classed(last?.status ?? "-", "status \(last?.status ?? "")"),
            ])
        }
        html.raw("</table>")
        if let location = pipelines.first?.location {
            html.raw("<p class=\"muted\">Warehouse: ")
            html.text(location)
            html.raw("</p>")
        }
        return ConsoleResponse(body: Layout.page(title: "Pipelines", section: "pipelines", body: html))
    }
}

/// `/pipelines/NAME`: the source's tables with their columns (type and source field), its
/// cursors and its last loads with status, rows, duration and error; a failed load links to
/// the sync run that made it.
struct PipelinePage {
    let data: any ConsoleData
    let name: String

    func render() async throws -> ConsoleResponse {
        guard let pipeline = await data.pipeline(name) else {
            throw ConsoleProblem.notFound("no source \(name) is configured; /pipelines lists the sources")
        }
        var html = HTML()
        html.raw("<p>Dataset <code>")
        html.text(pipeline.dataset)
        html.raw("</code> in ")
        html.text(pipeline.location)
        html.raw("</p>")
        if let problem = pipeline.problem { html.element("p", problem, class: "problem") }
        guard let description = pipeline.description else {
            if pipeline.problem == nil { html.element("p", "Never loaded: `signalroom sync \(name)` loads it.", class: "muted") }
            return ConsoleResponse(body: Layout.page(title: name, section: "pipelines", body: html))
        }
        html.raw("<h2>Tables</h2>")
        for table in description.tables {
            html.raw("<h3>")
            html.text("\(description.dataset).\(table.name)")
            html.raw(" <span class=\"muted\">\(HTML.escaped(table.rows.formatted())) rows</span></h3>")
            guard let schema = pipeline.schemas.first(where: { $0.table == table.name }) else { continue }
            html.raw("<table>")
            html.header(["column", "type", "source field"])
            for column in schema.columns { html.row([.text(column.name), .text(column.type.rawValue), .text(column.field)]) }
            html.raw("</table>")
        }
        html.raw("<h2>Cursors</h2>")
        if description.cursors.isEmpty {
            html.raw("<p class=\"muted\">None yet.</p>")
        } else {
            html.raw("<table>")
            html.header(["resource", "field", "value", "load", "updated"])
            for cursor in description.cursors {
                html.row([.text(cursor.resource), .text(cursor.field), .text(cursor.value), .text(cursor.loadId), .text(cursor.updated)])
            }
            html.raw("</table>")
        }
        html.raw("<h2>Last loads</h2><table>")
        html.header(["load", "resource", "table", "status", "rows", "started", "took", "error", "run"])
        let store = try? data.store()
        for load in description.loads {
            let took = Timestamp.parse(load.started).flatMap { start in
                load.finished.flatMap(Timestamp.parse).map { Layout.duration($0.timeIntervalSince(start)) }
            }
            let failed = load.status.hasPrefix("failed")
            let run = failed ? store.flatMap { Self.run(of: load, pipeline: pipeline, in: $0) } : nil
            html.row([
                .text(load.loadId), .text(load.resource), .text(load.table), .classed(load.status, "status \(failed ? "failed" : load.status)"),
                .classed(load.rows.formatted(), "num"), .classed(load.started, "time"), .classed(took ?? "-", "num"),
                .classed(load.error ?? "", "problem long"),
                .markup(run.map { runLink($0.workflowId, $0.runId) } ?? ""),
            ])
        }
        html.raw("</table>")
        return ConsoleResponse(body: Layout.page(title: name, section: "pipelines", body: html))
    }

    /// The sync run a load belongs to: of the runs of the pipeline's workflow type with the
    /// source in their id, the newest that started before the load and had not closed by then
    /// (one open run per id, so runs of one id never overlap).
    static func run(of load: DatasetDescription.Load, pipeline: ConsolePipeline, in store: any HistoryStore) -> RunReference? {
        guard let started = Timestamp.parse(load.started) else { return nil }
        let candidates =
            (try? store.newestClosedRuns(
                ClosedRunQuery(limit: 5, workflowType: pipeline.workflowType, idContains: pipeline.name, startedBefore: started.addingTimeInterval(1))
            )) ?? []
        if let closed = candidates.first(where: { $0.closeTime >= started.addingTimeInterval(-1) }) { return closed.run }
        return (try? store.openRuns())?.first {
            $0.workflowType == pipeline.workflowType && $0.workflowId.contains(pipeline.name) && $0.startTime <= started
        }?.run
    }
}

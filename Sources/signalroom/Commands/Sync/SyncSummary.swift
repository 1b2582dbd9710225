import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomWorkflows

/// The text a person sees when a sync completes: one line per table.
enum SyncSummary {
    static func text(_ result: JSONValue, workflowId: String, runId: String) -> String {
        var outputs: [RunPipelineActivity.Output] = []
        if let one = try? result.decode(RunPipelineActivity.Output.self) {
            outputs = [one]
        } else if let many = try? result.decode(ScheduledSyncWorkflow.Output.self) {
            outputs = many.sources
        }
        var lines = ["sync \(workflowId) (run \(runId)) completed"]
        for output in outputs {
            let rows = output.tables.map { table in
                [
                    "\(output.dataset).\(table.table)", SyncProgressLine.count(table.rows), table.tableRows.map(SyncProgressLine.count) ?? "-",
                    table.cursor ?? "-", table.resumed ? "resumed \(table.loadId)" : table.loadId,
                ]
            }
            lines.append("\(output.source) → \(output.destination): \(SyncProgressLine.count(output.rows)) rows loaded")
            if !rows.isEmpty {
                lines.append(Output.table(["table", "loaded", "rows now", "cursor", "load"], rows))
            }
        }
        return lines.joined(separator: "\n")
    }
}

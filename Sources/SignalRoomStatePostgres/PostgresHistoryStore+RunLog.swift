import Foundation
import SignalRoomEngine

/// A run's log lines as rows of `run_logs`, in the order they were written, capped at the
/// file store's `maximumRunLogBytes` with the same last line saying the rest was not kept.
/// The count and the line go in one statement, so processes logging to one run at once
/// neither lose lines nor pass the cap.
extension PostgresHistoryStore: RunLogStore {
    public func appendLog(_ line: String, to run: RunReference) {
        let text = line.hasSuffix("\n") ? line : line + "\n"
        let maximum = FileHistoryStore.maximumRunLogBytes
        let notice =
            "{\"level\":\"warning\",\"logger\":\"signalroom\",\"message\":\"this run's log reached \(maximum) bytes: later lines are not kept\"}\n"
        _ = try? connection.query(
            """
            WITH counted AS (
              UPDATE \(table.runs) SET log_bytes = log_bytes + octet_length($3)
              WHERE workflow_id = $1 AND run_id = $2 AND log_bytes < $5 RETURNING log_bytes)
            INSERT INTO \(table.runLogs) (workflow_id, run_id, line)
            SELECT $1, $2, CASE WHEN log_bytes > $5 THEN $4 ELSE $3 END FROM counted
            """, [.text(run.workflowId), .text(run.runId), .text(text), .text(notice), .int(maximum)])
    }

    public func log(of run: RunReference, from offset: Int) -> [UInt8] {
        let rows =
            (try? connection.query(
                "SELECT line FROM \(table.runLogs) WHERE workflow_id = $1 AND run_id = $2 ORDER BY line_id",
                [.text(run.workflowId), .text(run.runId)])) ?? []
        var bytes: [UInt8] = []
        for row in rows { bytes.append(contentsOf: Array((row[0] ?? "").utf8)) }
        return offset <= 0 ? bytes : offset >= bytes.count ? [] : Array(bytes[offset...])
    }
}

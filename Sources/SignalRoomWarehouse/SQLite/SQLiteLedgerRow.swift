import GRDB
import SignalRoomPipelines

extension LedgerRow {
    static func record(from row: Row) throws -> LoadRecord {
        LoadRecord(
            loadId: row["load_id"], pipeline: row["pipeline"], resource: row["resource"], table: row["table_name"],
            disposition: disposition(name: row["disposition"], primaryKey: row["primary_key"]),
            status: LoadRecord.Status(rawValue: row["status"]) ?? .running, rows: row["rows"], started: row["started"],
            finished: row["finished"], resumeToken: row["resume_token"], pendingCursor: row["pending_cursor"],
            schema: try schema(from: row["load_schema"]), error: row["error"])
    }
}

import SignalRoomPipelines

/// The statements over a dataset's ledger tables (`_signalroom_loads`, `_signalroom_state`,
/// `_signalroom_columns`, and `_signalroom_meta` for its version), written once for both
/// databases: they differ only in their placeholders (`?1`, `$1`), in PostgreSQL's casts,
/// and in who stamps the time.
///
/// Rows are read back as text (PostgreSQL casts every non-text column to `text`, SQLite
/// reads its integers as digits), so one decoder serves both.
struct LedgerSQL: Sendable {
    let dataset: String
    let dialect: SQLDialect

    func qualified(_ table: String) -> String { SQLIdentifier.quote(dataset, table) }

    private func placeholder(_ number: Int) -> String {
        dialect == .sqlite ? "?\(number)" : "$\(number)"
    }

    /// A bound value's cast to a PostgreSQL column type; SQLite stores what it is given.
    private func cast(_ type: ColumnType) -> String {
        dialect == .sqlite ? "" : "::\(type.postgresType)"
    }

    /// A column read as text.
    private func text(_ column: String) -> String {
        dialect == .sqlite ? column : "\(column)::text"
    }

    // MARK: Version (see LedgerMigrator for the format and the tables' creation)

    /// The table that records the ledger's version, created if missing.
    var createVersionTable: String {
        "CREATE TABLE IF NOT EXISTS \(qualified(LedgerSQL.versionTable)) (\"key\" text PRIMARY KEY, \"value\" text NOT NULL)"
    }

    static let versionTable = "_signalroom_meta"

    /// The recorded version's digits: no row before the first migration.
    var readVersion: SQLStatement {
        SQLStatement(sql: "SELECT \"value\" FROM \(qualified(LedgerSQL.versionTable)) WHERE \"key\" = 'ledger_version'")
    }

    func insertVersion(_ version: Int) -> SQLStatement {
        SQLStatement(
            sql: "INSERT INTO \(qualified(LedgerSQL.versionTable)) (\"key\", \"value\") VALUES ('ledger_version', \(placeholder(1)))",
            values: [.text(String(version))], label: "recording ledger version \(version) of \(dataset)")
    }

    func updateVersion(_ version: Int) -> SQLStatement {
        SQLStatement(
            sql: "UPDATE \(qualified(LedgerSQL.versionTable)) SET \"value\" = \(placeholder(1)) WHERE \"key\" = 'ledger_version'",
            values: [.text(String(version))], label: "recording ledger version \(version) of \(dataset)")
    }

    // MARK: Columns

    func columns(of table: String) -> SQLStatement {
        SQLStatement(
            sql: """
                SELECT "column_name", "field_name", "data_type" FROM \(qualified("_signalroom_columns"))
                WHERE "table_name" = \(placeholder(1)) ORDER BY "ordinal"
                """, values: [.text(table)])
    }

    static func schema(table: String, rows: [[String?]]) -> TableSchema {
        TableSchema(
            table: table,
            columns: rows.map { row in
                ColumnDefinition(name: row[0] ?? "", type: ColumnType(rawValue: row[2] ?? "") ?? .text, field: row[1] ?? "")
            })
    }

    func recordColumns(_ schema: TableSchema) -> [SQLStatement] {
        [
            SQLStatement(
                sql: "DELETE FROM \(qualified("_signalroom_columns")) WHERE \"table_name\" = \(placeholder(1))",
                values: [.text(schema.table)])
        ]
            + schema.columns.enumerated().map { ordinal, column in
                SQLStatement(
                    sql: """
                        INSERT INTO \(qualified("_signalroom_columns")) ("table_name", "column_name", "field_name", "data_type", "ordinal")
                        VALUES (\((1...5).map(placeholder).joined(separator: ", ")))
                        """, values: [.text(schema.table), .text(column.name), .text(column.field), .text(column.type.rawValue), .int(ordinal)])
            }
    }

    // MARK: Cursors

    func cursor(pipeline: String, resource: String) -> SQLStatement {
        SQLStatement(
            sql: """
                SELECT "cursor_value" FROM \(qualified("_signalroom_state")) WHERE "pipeline" = \(placeholder(1)) AND "resource" = \(placeholder(2))
                """, values: [.text(pipeline), .text(resource)])
    }

    func cursors(pipeline: String) -> SQLStatement {
        SQLStatement(
            sql: """
                SELECT "resource", "cursor_field", "cursor_value", "load_id", \(text("\"updated\"")) FROM \(qualified("_signalroom_state"))
                WHERE "pipeline" = \(placeholder(1)) ORDER BY "resource"
                """, values: [.text(pipeline)])
    }

    static func cursor(_ row: [String?]) -> DatasetDescription.Cursor {
        DatasetDescription.Cursor(resource: row[0] ?? "", field: row[1] ?? "", value: row[2] ?? "", loadId: row[3] ?? "", updated: row[4] ?? "")
    }

    /// Sets the resource's cursor, stamped with the load's finish.
    func setCursor(_ cursor: CursorValue, of load: LoadRecord) -> SQLStatement {
        SQLStatement(
            sql: """
                INSERT INTO \(qualified("_signalroom_state")) ("pipeline", "resource", "cursor_field", "cursor_value", "load_id", "updated")
                VALUES (\((1...5).map(placeholder).joined(separator: ", ")), \(placeholder(6))\(cast(.timestamp))) ON CONFLICT ("pipeline", "resource") DO UPDATE SET
                  "cursor_field" = excluded."cursor_field", "cursor_value" = excluded."cursor_value",
                  "load_id" = excluded."load_id", "updated" = excluded."updated"
                """,
            values: [
                .text(load.pipeline), .text(load.resource), .text(cursor.field), .text(cursor.value), .text(load.loadId),
                .text(load.finished ?? load.started),
            ])
    }

    // MARK: Loads

    private var loadColumns: String {
        [
            "\"load_id\"", "\"pipeline\"", "\"resource\"", "\"table_name\"", "\"disposition\"", "\"primary_key\"", "\"status\"",
            text("\"rows\""), text("\"started\""), text("\"finished\""), "\"resume_token\"", "\"pending_cursor\"",
            text("\"load_schema\""), "\"error\"",
        ].joined(separator: ", ")
    }

    static func load(_ row: [String?]) throws -> LoadRecord {
        LoadRecord(
            loadId: row[0] ?? "", pipeline: row[1] ?? "", resource: row[2] ?? "", table: row[3] ?? "",
            disposition: LedgerRow.disposition(name: row[4] ?? "", primaryKey: row[5] ?? ""),
            status: LoadRecord.Status(rawValue: row[6] ?? "") ?? .running, rows: Int(row[7] ?? "") ?? 0,
            started: row[8] ?? "", finished: row[9], resumeToken: row[10], pendingCursor: row[11],
            schema: try LedgerRow.schema(from: row[12] ?? "{}"), error: row[13])
    }

    func load(id: String) -> SQLStatement {
        SQLStatement(
            sql: "SELECT \(loadColumns) FROM \(qualified("_signalroom_loads")) WHERE \"load_id\" = \(placeholder(1))",
            values: [.text(id)])
    }

    func unfinishedLoads(pipeline: String, resource: String) -> SQLStatement {
        SQLStatement(
            sql: """
                SELECT \(loadColumns) FROM \(qualified("_signalroom_loads"))
                WHERE "pipeline" = \(placeholder(1)) AND "resource" = \(placeholder(2)) AND "status" IN ('running', 'failed_resumable') ORDER BY "started"
                """, values: [.text(pipeline), .text(resource)])
    }

    /// The pipeline's last `limit` loads (only the failed ones with `failedOnly`), newest first.
    func recentLoads(pipeline: String, failedOnly: Bool = false, limit: Int = 20) -> SQLStatement {
        let failed = failedOnly ? " AND \"status\" IN ('failed', 'failed_resumable')" : ""
        return SQLStatement(
            sql: """
                SELECT \(loadColumns) FROM \(qualified("_signalroom_loads")) WHERE "pipeline" = \(placeholder(1))\(failed) \
                ORDER BY "started" DESC, "load_id" DESC LIMIT \(placeholder(2))
                """, values: [.text(pipeline), .int(max(1, limit))])
    }

    func insert(_ load: LoadRecord) throws -> SQLStatement {
        SQLStatement(
            sql: """
                INSERT INTO \(qualified("_signalroom_loads")) ("load_id", "pipeline", "resource", "table_name", "disposition",
                  "primary_key", "status", "rows", "started", "load_schema") VALUES (\((1...6).map(placeholder).joined(separator: ", ")), 'running', 0, \
                \(placeholder(7))\(cast(.timestamp)), \(placeholder(8))\(cast(.json)))
                """,
            values: [
                .text(load.loadId), .text(load.pipeline), .text(load.resource), .text(load.table), .text(load.disposition.name),
                .text(load.disposition.primaryKey.joined(separator: ",")), .text(load.started),
                .text(try LedgerRow.schemaText(load.schema)),
            ],
            label: "recording load \(load.loadId)")
    }

    /// Records a staged chunk's rows, position and columns.
    func staged(_ load: LoadRecord) throws -> SQLStatement {
        SQLStatement(
            sql: """
                UPDATE \(qualified("_signalroom_loads")) SET "rows" = \(placeholder(1)), "resume_token" = \(placeholder(2)), \
                "pending_cursor" = \(placeholder(3)), "load_schema" = \(placeholder(4))\(cast(.json))
                WHERE "load_id" = \(placeholder(5))
                """,
            values: [
                .int(load.rows), .text(load.resumeToken), .text(load.pendingCursor), .text(try LedgerRow.schemaText(load.schema)),
                .text(load.loadId),
            ])
    }

    func completed(_ load: LoadRecord) throws -> SQLStatement {
        SQLStatement(
            sql: """
                UPDATE \(qualified("_signalroom_loads")) SET "status" = 'completed', "rows" = \(placeholder(1)), \
                "finished" = \(placeholder(2))\(cast(.timestamp)), "load_schema" = \(placeholder(3))\(cast(.json))
                WHERE "load_id" = \(placeholder(4))
                """, values: [.int(load.rows), .text(load.finished), .text(try LedgerRow.schemaText(load.schema)), .text(load.loadId)])
    }

    /// Sets the load's status and error, and `finished` to now (stamped by the server on
    /// PostgreSQL) or, without `finishedNow`, to NULL.
    func setStatus(of load: LoadRecord, to status: LoadRecord.Status, error: String?, finishedNow: Bool) -> SQLStatement {
        var values: [SQLValue] = [.text(status.rawValue), .text(error), .text(load.loadId)]
        let finished: String
        if !finishedNow {
            finished = "NULL"
        } else if dialect == .postgres {
            finished = "now()"
        } else {
            values.append(.text(LedgerRow.now()))
            finished = placeholder(4)
        }
        return SQLStatement(
            sql: """
                UPDATE \(qualified("_signalroom_loads")) SET "status" = \(placeholder(1)), "finished" = \(finished), "error" = \(placeholder(2)) \
                WHERE "load_id" = \(placeholder(3))
                """, values: values)
    }

    /// Every load of the pipeline (of `resource`, when given): what `pipeline drop` removes.
    func loadsToDrop(pipeline: String, resource: String?) -> SQLStatement {
        let which = resource == nil ? "" : " AND \"resource\" = \(placeholder(2))"
        return SQLStatement(
            sql: "SELECT \(loadColumns) FROM \(qualified("_signalroom_loads")) WHERE \"pipeline\" = \(placeholder(1))\(which)",
            values: [.text(pipeline)] + (resource.map { [.text($0)] } ?? []))
    }

    /// The ledger rows of the pipeline (of `resource`) and the column records of `tables`.
    func forget(pipeline: String, resource: String?, tables: [String]) -> [SQLStatement] {
        let which = resource == nil ? "" : " AND \"resource\" = \(placeholder(2))"
        let values: [SQLValue] = [.text(pipeline)] + (resource.map { [.text($0)] } ?? [])
        return [
            SQLStatement(sql: "DELETE FROM \(qualified("_signalroom_loads")) WHERE \"pipeline\" = \(placeholder(1))\(which)", values: values),
            SQLStatement(sql: "DELETE FROM \(qualified("_signalroom_state")) WHERE \"pipeline\" = \(placeholder(1))\(which)", values: values),
        ]
            + tables.map {
                SQLStatement(sql: "DELETE FROM \(qualified("_signalroom_columns")) WHERE \"table_name\" = \(placeholder(1))", values: [.text($0)])
            }
    }

    func dropTable(_ table: String) -> SQLStatement {
        SQLStatement(sql: "DROP TABLE IF EXISTS \(qualified(table))", label: "dropping \(dataset).\(table)")
    }

    func dropStage(of load: LoadRecord) -> SQLStatement {
        SQLStatement(sql: "DROP TABLE IF EXISTS \(qualified(load.stageTable))")
    }

    /// The load's empty stage table: its columns so far and a sequence that keeps the
    /// staged order. SQLite's columns are untyped, so they hold values as bound.
    func createStage(of load: LoadRecord) -> SQLStatement {
        let columns = load.schema.columns.map { column in
            SQLIdentifier.quote(column.name) + (dialect == .sqlite ? "" : " \(column.type.postgresType)") + ", "
        }.joined()
        let sequence = dialect == .sqlite ? "INTEGER PRIMARY KEY" : "bigserial"
        return SQLStatement(
            sql: "CREATE TABLE \(qualified(load.stageTable)) (\(columns)\"_signalroom_seq\" \(sequence))",
            label: "creating stage table \(load.stageTable)")
    }

    func rowCount(table: String) -> SQLStatement {
        SQLStatement(sql: "SELECT \(text("count(*)")) FROM \(qualified(table))")
    }
}

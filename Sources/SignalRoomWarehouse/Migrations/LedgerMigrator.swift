/// The ledger's format and the named, ordered migrations that bring a dataset's ledger to
/// the version this build writes, the same on SQLite and PostgreSQL (GRDB's
/// `DatabaseMigrator`, for SignalRoom's own tables). Opening a dataset runs it:
///
/// ```swift
/// let migrator = LedgerMigrator(ledger: LedgerSQL(dataset: "everflow", dialect: .sqlite), location: path)
/// // inside the open's locked transaction:
/// let version = try migrator.version(in: try db.fetchText(migrator.ledger.readVersion))
/// for statement in try migrator.statements(from: version) { try db.execute(statement) }
/// ```
///
/// ## The format
/// A dataset's ledger records its version in `_signalroom_meta` (`"key" text PRIMARY KEY,
/// "value" text NOT NULL`), as the row `ledger_version` holding the version's digits. The
/// migrator creates that table itself; it is not a migration.
///
/// - **Version 1, `createLoadsStateAndColumns`**: `_signalroom_loads` (one row per load:
///   its pipeline, resource, table, write disposition and key, status, rows, start and
///   finish, resume token, pending cursor, columns and error), `_signalroom_state` (one
///   cursor per pipeline and resource) and `_signalroom_columns` (each table's columns as
///   SignalRoom created them, with their source fields and types), exactly as builds before
///   versioning created them. Those ledgers carry no version row, so the migrator starts
///   them from 0 like a fresh dataset; this step is the previous build's own
///   `CREATE TABLE IF NOT EXISTS`, which leaves their tables and rows as they are, so
///   opening one recognises it as version 1 and writes only the version record. (Running
///   the step rather than trusting the tables also completes a ledger whose creation was
///   cut short: the previous build created the three tables one statement at a time.)
///
/// A ledger newer than `currentVersion` was written by a newer signalroom and is refused
/// (`WarehouseError.ledgerTooNew`) rather than read or written by code that does not know
/// its format.
///
/// ## Why a table, not `PRAGMA user_version`
/// SQLite's `user_version` has no PostgreSQL counterpart: the schema would need a comment,
/// read and written by different statements (`obj_description`, `COMMENT ON SCHEMA`), so
/// two mechanisms and two code paths. A row is read and written by the same statements on
/// both databases, in the same transaction as the migration it records, is visible to a
/// plain `SELECT` like the rest of the ledger, and leaves room for another key. Its
/// `_signalroom` prefix keeps it out of `pipeline info`'s tables.
///
/// ## Adding a migration
/// Append a step with the next version and leave the released ones alone; write its types
/// literally (a step must not follow a later change of `ColumnType`'s mapping), and add a
/// test that opens a ledger of the previous version, kept as a fixture.
struct LedgerMigrator: Sendable {
    static let migrations: [LedgerMigration] = [
        LedgerMigration(version: 1, name: "createLoadsStateAndColumns") { ledger in
            let (text, bigint, timestamp, json, integer) =
                ledger.dialect == .sqlite
                ? ("TEXT", "BIGINT", "TIMESTAMP", "JSON", "INTEGER")
                : ("text", "bigint", "timestamptz", "jsonb", "integer")
            return [
                """
                CREATE TABLE IF NOT EXISTS \(ledger.qualified("_signalroom_loads")) (
                  "load_id" \(text) PRIMARY KEY, "pipeline" \(text) NOT NULL, "resource" \(text) NOT NULL,
                  "table_name" \(text) NOT NULL, "disposition" \(text) NOT NULL, "primary_key" \(text) NOT NULL,
                  "status" \(text) NOT NULL, "rows" \(bigint) NOT NULL, "started" \(timestamp) NOT NULL, "finished" \(timestamp),
                  "resume_token" \(text), "pending_cursor" \(text), "load_schema" \(json) NOT NULL, "error" \(text))
                """,
                """
                CREATE TABLE IF NOT EXISTS \(ledger.qualified("_signalroom_state")) (
                  "pipeline" \(text) NOT NULL, "resource" \(text) NOT NULL, "cursor_field" \(text) NOT NULL,
                  "cursor_value" \(text) NOT NULL, "load_id" \(text) NOT NULL, "updated" \(timestamp) NOT NULL,
                  PRIMARY KEY ("pipeline", "resource"))
                """,
                """
                CREATE TABLE IF NOT EXISTS \(ledger.qualified("_signalroom_columns")) (
                  "table_name" \(text) NOT NULL, "column_name" \(text) NOT NULL, "field_name" \(text) NOT NULL,
                  "data_type" \(text) NOT NULL, "ordinal" \(integer) NOT NULL, PRIMARY KEY ("table_name", "column_name"))
                """,
            ]
        }
    ]

    /// The ledger version this build writes and the newest it can open.
    static var currentVersion: Int { migrations.last?.version ?? 0 }

    let ledger: LedgerSQL
    /// Where the dataset is (a file, `user@host:port/database`), for the refusal's message.
    let location: String

    /// The recorded version from `ledger.readVersion`'s rows: 0 when there is no row (a
    /// fresh dataset, or one written before versions).
    func version(in rows: [[String?]]) throws -> Int {
        guard let text = rows.first?.first ?? nil else { return 0 }
        guard let version = Int(text), version >= 0 else {
            throw WarehouseError.unreadableLedgerVersion(dataset: ledger.dataset, location: location, value: text)
        }
        return version
    }

    /// Whether a ledger at `version` needs no migration; throws for one newer than this
    /// build knows.
    func isCurrent(_ version: Int) throws -> Bool {
        guard version <= Self.currentVersion else {
            throw WarehouseError.ledgerTooNew(
                dataset: ledger.dataset, location: location, version: version,
                supported: Self.currentVersion)
        }
        return version == Self.currentVersion
    }

    /// The pending steps' statements and the new version's write, to run in one
    /// transaction under the dataset's migration lock; empty when the ledger is current.
    /// The first version is inserted, not upserted: two openers that somehow both migrated
    /// would collide on its key rather than both succeed.
    func statements(from version: Int) throws -> [SQLStatement] {
        guard try !isCurrent(version) else { return [] }
        let steps = Self.migrations.filter { $0.version > version }.flatMap { step in
            step.statements(ledger).map { SQLStatement(sql: $0, label: "ledger migration \(step.version) (\(step.name)) of \(ledger.dataset)") }
        }
        let write = version == 0 ? ledger.insertVersion(Self.currentVersion) : ledger.updateVersion(Self.currentVersion)
        return steps + [write]
    }
}

import Foundation

/// The state's tables in one PostgreSQL schema, versioned. Migrations run in one
/// transaction under an advisory lock, so hosts starting at once apply each exactly once;
/// a schema newer than this build knows is refused rather than written with old rules.
///
/// Version 1:
/// - `runs`: one row per run; `status` 'running' while open (a partial unique index keeps one
///   open run per workflow id); `next_event_id` and `lease` fence appends; the times are
///   seconds since 1970 (float8), so ordering and comparisons are numeric.
/// - `events`: one row per event, the history line exactly as the file store writes it
///   (JSON with its CRC-32), so the two stores' histories are byte-for-byte the same.
/// - `requests`: pending cancel and terminate requests, one per kind.
/// - `damaged_histories`: lines set aside by `closeDamagedRun`, for a person to inspect.
/// - `run_logs`: a run's log lines in order (`runs.log_bytes` counts them against the cap).
/// - `schedules`: each registered schedule's state, the JSON the file store keeps.
/// - `run_due_passes`: what each `run-due` pass did, one JSON record a row, bounded.
/// - `alerts`: the alert ledger's entry per subject, as JSON.
enum StateSchema {
    static let version = 1

    static func migrations(_ schema: String) -> [Int: [String]] {
        let s = quoted(schema)
        return [
            1: [
                """
                CREATE TABLE \(s).runs (
                  workflow_id text NOT NULL, run_id text NOT NULL, workflow_type text NOT NULL,
                  status text NOT NULL DEFAULT 'running', start_time float8 NOT NULL, close_time float8,
                  wake_up_time float8, next_event_id integer NOT NULL, lease bigint NOT NULL DEFAULT 0,
                  log_bytes integer NOT NULL DEFAULT 0,
                  PRIMARY KEY (workflow_id, run_id))
                """,
                "CREATE UNIQUE INDEX runs_one_open_per_id ON \(s).runs (workflow_id) WHERE status = 'running'",
                "CREATE INDEX runs_closed_by_start ON \(s).runs (start_time, run_id) WHERE status <> 'running'",
                "CREATE INDEX runs_closed_by_close ON \(s).runs (close_time) WHERE status <> 'running'",
                """
                CREATE TABLE \(s).events (
                  workflow_id text NOT NULL, run_id text NOT NULL, event_id integer NOT NULL, line text NOT NULL,
                  PRIMARY KEY (workflow_id, run_id, event_id),
                  FOREIGN KEY (workflow_id, run_id) REFERENCES \(s).runs ON DELETE CASCADE)
                """,
                """
                CREATE TABLE \(s).requests (
                  workflow_id text NOT NULL, run_id text NOT NULL, kind text NOT NULL, body text NOT NULL,
                  PRIMARY KEY (workflow_id, run_id, kind),
                  FOREIGN KEY (workflow_id, run_id) REFERENCES \(s).runs ON DELETE CASCADE)
                """,
                """
                CREATE TABLE \(s).damaged_histories (
                  workflow_id text NOT NULL, run_id text NOT NULL, kept_at float8 NOT NULL, lines text NOT NULL,
                  PRIMARY KEY (workflow_id, run_id, kept_at))
                """,
                """
                CREATE TABLE \(s).run_logs (
                  workflow_id text NOT NULL, run_id text NOT NULL, line_id bigserial, line text NOT NULL,
                  PRIMARY KEY (workflow_id, run_id, line_id),
                  FOREIGN KEY (workflow_id, run_id) REFERENCES \(s).runs ON DELETE CASCADE)
                """,
                "CREATE TABLE \(s).schedules (id text PRIMARY KEY, state text NOT NULL)",
                "CREATE TABLE \(s).run_due_passes (pass_id bigserial PRIMARY KEY, record text NOT NULL)",
                "CREATE TABLE \(s).alerts (subject text PRIMARY KEY, entry text NOT NULL)",
            ]
        ]
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Brings the schema to `version`; cheap (one query) when it is there already.
    static func migrate(_ connection: StateConnection, schema: String) throws {
        let s = quoted(schema)
        let found = try connection.query(
            "SELECT to_regclass($1) IS NOT NULL", [.text(s + ".schema_version")])
        if found.first?[0] == "t", let current = try currentVersion(connection, s), current >= version {
            if current > version {
                throw PostgresStateError.newerSchema(location: connection.location, schema: schema, found: current, known: version)
            }
            return
        }
        try connection.transaction { transaction in
            try transaction.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("signalroom state schema " + schema)])
            // Only when it is missing: CREATE SCHEMA IF NOT EXISTS needs the database's CREATE
            // privilege even when the schema is there, which a role given a schema made by
            // its DBA does not have.
            if try transaction.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)]).isEmpty {
                try transaction.query("CREATE SCHEMA \(s)")
            }
            try transaction.query("CREATE TABLE IF NOT EXISTS \(s).schema_version (version integer NOT NULL)")
            let rows = try transaction.query("SELECT max(version) FROM \(s).schema_version")
            let current = rows.first?[0].flatMap { Int($0) } ?? 0
            if current > version {
                throw PostgresStateError.newerSchema(location: connection.location, schema: schema, found: current, known: version)
            }
            let all = migrations(schema)
            for next in (current + 1)...max(current + 1, version) where next <= version {
                for statement in all[next] ?? [] { try transaction.query(statement) }
                try transaction.query("INSERT INTO \(s).schema_version (version) VALUES ($1)", [.int(next)])
            }
        }
    }

    private static func currentVersion(_ connection: StateConnection, _ s: String) throws -> Int? {
        try connection.query("SELECT max(version) FROM \(s).schema_version").first?[0].flatMap { Int($0) }
    }
}

import Foundation
import Testing

/// The two warehouses every sync test runs against.
enum WarehouseKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The server `scripts/test` starts; a test that needs it fails without it, so the
    /// PostgreSQL half of the suite is never silently skipped.
    static func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("SIGNALROOM_TEST_DATABASE_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
            throw CancellationError()
        }
        return url
    }
}

/// A `files` export directory, a state directory and a dataset of its own in one warehouse,
/// driven through the real `signalroom` binary and read back with `sqlite3` or `psql`.
struct SyncFixture {
    let cli: CLIHarness
    let kind: WarehouseKind
    /// Unique per fixture, so PostgreSQL tests never see each other's schemas.
    let dataset: String
    let exports: URL
    private let databaseURL: String?

    /// `exports` shares an export directory between fixtures (a reference load and a
    /// crashed one); by default each fixture has its own.
    init(_ kind: WarehouseKind, dataset: String? = nil, exports: URL? = nil) throws {
        cli = try CLIHarness()
        self.kind = kind
        self.dataset = dataset ?? "t" + UUID().uuidString.prefix(8).lowercased()
        self.exports = exports ?? cli.root.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: self.exports, withIntermediateDirectories: true)
        databaseURL = kind == .postgres ? try WarehouseKind.postgresURL() : nil
    }

    /// Runs `body` with a new fixture and cleans up after it, whether it passed or not.
    static func with(
        _ kind: WarehouseKind, dataset: String? = nil, exports: URL? = nil,
        _ body: (SyncFixture) async throws -> Void
    ) async throws {
        let fixture = try SyncFixture(kind, dataset: dataset, exports: exports)
        do {
            try await body(fixture)
        } catch {
            await fixture.cleanUp()
            throw error
        }
        await fixture.cleanUp()
    }

    /// Drops the PostgreSQL schema and removes the files.
    func cleanUp() async {
        if kind == .postgres {
            for schema in [dataset, dataset + "_rt"] { _ = try? await query("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        }
        cli.cleanUp()
    }

    var environment: [String: String] {
        var environment = ["FILES_SOURCE_DIR": exports.path, "FILES_DATASET": dataset, "SIGNALROOM_LOG_LEVEL": "warning"]
        environment["DATABASE_URL"] = databaseURL ?? ""
        if kind == .postgres {
            // Without these a sync loads the built-in seeds into `analytics`, one schema every
            // PostgreSQL test shares, which ReportTests drops and rebuilds: no models or seeds
            // unless a test names them (ReportTests does).
            let none = cli.root.appendingPathComponent("no-project-files").path
            environment["SIGNALROOM_MODELS_DIR"] = none
            environment["SIGNALROOM_SEEDS_DIR"] = none
        }
        return environment
    }

    /// Writes an export file below the exports directory (`orders/orders_2024-12-01.csv`).
    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> URL {
        try write(relativePath, Data(text.utf8))
    }

    @discardableResult
    func write(_ relativePath: String, _ bytes: Data) throws -> URL {
        let url = exports.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: url)
        return url
    }

    @discardableResult
    func sync(_ arguments: [String] = [], environment extra: [String: String] = [:]) async throws -> CLIHarness.Result {
        try await cli.run(["sync", "files"] + arguments, environment: environment.merging(extra) { $1 })
    }

    /// Runs any command with the fixture's warehouse settings.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> CLIHarness.Result {
        try await cli.run(arguments, environment: environment.merging(extra) { $1 })
    }

    func launchSync(_ arguments: [String] = [], environment extra: [String: String] = [:]) throws -> RunningCommand {
        try cli.launch(["sync", "files"] + arguments, environment: environment.merging(extra) { $1 })
    }

    /// Runs SQL in the warehouse; the dataset is reachable as `<dataset>.<table>` on both
    /// (the SQLite file is ATTACHed under its name, as the binary does). Rows come back as
    /// strings, columns separated by `|` (rows are split on a record separator, so values
    /// may hold newlines).
    func query(_ sql: String, attaching others: [SyncFixture] = [], datasets extra: [String] = []) async throws -> [String] {
        let result: CLIHarness.Result
        switch kind {
        case .sqlite:
            var arguments = ["sqlite3", "-batch", "-noheader", "-separator", "|", "-newline", Self.recordSeparator, "-bail"]
            for fixture in [self] + others {
                arguments += ["-cmd", "ATTACH DATABASE '\(fixture.databasePath)' AS \(fixture.dataset)"]
            }
            for name in extra {
                arguments += ["-cmd", "ATTACH DATABASE '\(cli.state.appendingPathComponent("warehouse/\(name).sqlite").path)' AS \(name)"]
            }
            result = try await cli.runTool(arguments + [":memory:", sql])
        case .postgres:
            result = try await cli.runTool([
                "psql", databaseURL!, "-X", "-q", "-A", "-t", "-F", "|",
                "-R", Self.recordSeparator, "-v", "ON_ERROR_STOP=1", "-c", sql,
            ])
        }
        guard result.status == 0 else {
            Issue.record("query failed (\(kind)): \(sql)\n\(result.stderr)")
            throw CancellationError()
        }
        // psql ends its output with a newline after the last record.
        let text = kind == .postgres && result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
        return text.components(separatedBy: Self.recordSeparator).filter { !$0.isEmpty }
    }

    /// One value (the first column of the first row).
    func scalar(_ sql: String, attaching others: [SyncFixture] = [], datasets: [String] = []) async throws -> String {
        try await query(sql, attaching: others, datasets: datasets).first ?? ""
    }

    func count(_ table: String) async throws -> Int {
        Int(try await scalar("SELECT count(*) FROM \(dataset).\(table)")) ?? -1
    }

    /// Whether the table exists in the dataset.
    func hasTable(_ table: String) async throws -> Bool {
        switch kind {
        case .sqlite:
            guard FileManager.default.fileExists(atPath: databasePath) else { return false }
            return try await scalar("SELECT count(*) FROM \(dataset).sqlite_master WHERE type = 'table' AND name = '\(table)'") == "1"
        case .postgres:
            return try await scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = '\(dataset)' AND table_name = '\(table)'")
                == "1"
        }
    }

    /// The cursor `_signalroom_state` keeps for the resource.
    func cursor(_ resource: String) async throws -> String? {
        guard try await hasTable("_signalroom_state") else { return nil }
        let rows = try await query("SELECT cursor_value FROM \(dataset)._signalroom_state WHERE resource = '\(resource)'")
        return rows.first
    }

    /// Column names of a table, in order.
    func columns(_ table: String) async throws -> [String] {
        switch kind {
        case .sqlite:
            return try await query("SELECT name FROM pragma_table_info('\(table)', '\(dataset)') ORDER BY cid")
        case .postgres:
            return try await query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = '\(dataset)' AND table_name = '\(table)' ORDER BY ordinal_position"
            )
        }
    }

    static let recordSeparator = "\u{1E}"

    var databasePath: String { cli.state.appendingPathComponent("warehouse/\(dataset).sqlite").path }

    /// The JSON object a `--json` command printed.
    static func json(_ stdout: String) throws -> [String: Any] {
        let start = try #require(stdout.firstIndex(of: "{"), "no JSON in: \(stdout)")
        return try #require(try JSONSerialization.jsonObject(with: Data(stdout[start...].utf8)) as? [String: Any])
    }
}

/// CSV text from a header and rows; fields are quoted when they need it (RFC 4180).
func csv(_ header: [String], _ rows: [[String]]) -> String {
    func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    return ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
}

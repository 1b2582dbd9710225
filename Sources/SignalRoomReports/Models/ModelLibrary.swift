import Foundation
import SignalRoomFiles
import SignalRoomPipelines

/// Warehouse models (`models/<name>.sql`, a SELECT each, with `<name>.postgres.sql` or
/// `<name>.sqlite.sql` where the dialects truly differ) and seeds (`seeds/<name>.csv`,
/// loaded as tables in the `analytics` dataset, `n/a` and empty cells as NULL).
///
/// On PostgreSQL a model is a view `analytics.<name>`. SQLite does not let a view in one
/// database file read tables in another, so there each session that reads the warehouse
/// creates the models as temporary views; queries name a model without a schema
/// (`FROM daily_performance`) and mean the same on both.
public struct ModelLibrary: Sendable {
    public static let dataset = "analytics"

    public struct Model: Sendable {
        public var name: String
        public var sql: [SQLDialect: String]
        public var file: String
    }

    public let modelFiles: ProjectFiles
    public let seedFiles: ProjectFiles

    public init(models: ProjectFiles, seeds: ProjectFiles) {
        self.modelFiles = models
        self.seedFiles = seeds
    }

    public init(modelsDirectory: URL, seedsDirectory: URL) {
        self.init(models: .directory(modelsDirectory), seeds: .directory(seedsDirectory))
    }

    public func models() throws -> [Model] {
        let files = modelFiles.entries()
        let names = Set(files.filter { $0.hasSuffix(".sql") }.map { $0.split(separator: ".").first.map(String.init) ?? $0 })
        return try names.sorted().map { name in
            guard ColumnName.normalize(name) == name else {
                throw ReportError.invalidModel(file: "models/\(name).sql", reason: "a model's name must be a snake_case identifier")
            }
            let common = modelFiles.text("\(name).sql")
            var sql: [SQLDialect: String] = [:]
            for dialect in SQLDialect.allCases {
                let variant = modelFiles.text("\(name).\(dialect.rawValue).sql")
                guard let text = variant ?? common else {
                    throw ReportError.invalidModel(file: "models/\(name).sql", reason: "no \(name).sql and no \(name).\(dialect.rawValue).sql")
                }
                sql[dialect] = Self.trimmed(text)
            }
            return Model(name: name, sql: sql, file: "models/\(name).sql")
        }
    }

    /// Seed files, by table name.
    public func seeds() -> [(table: String, file: String)] {
        let files = seedFiles.entries().filter { $0.hasSuffix(".csv") }
        return files.map { (ColumnName.normalize(String($0.dropLast(4))), $0) }
    }

    /// Makes the models visible to this session: views in `analytics` on PostgreSQL (and
    /// `analytics` first on the search path), temporary views on SQLite.
    public func prepare(_ session: any WarehouseSession) async throws {
        let models = try models()
        var statements: [String] = []
        switch session.dialect {
        case .postgres:
            statements.append("CREATE SCHEMA IF NOT EXISTS \(Self.dataset)")
            for model in models.reversed() { statements.append("DROP VIEW IF EXISTS \(Self.dataset).\(model.name)") }
            for model in models { statements.append("CREATE VIEW \(Self.dataset).\(model.name) AS \(model.sql[.postgres]!)") }
            statements.append("SET search_path TO \(Self.dataset), public")
        case .sqlite:
            for model in models.reversed() { statements.append("DROP VIEW IF EXISTS temp.\(model.name)") }
            for model in models { statements.append("CREATE TEMP VIEW \(model.name) AS \(model.sql[.sqlite]!)") }
        }
        do {
            try await session.execute(statements)
        } catch let error as QueryError {
            throw ReportError.invalidModel(
                file: "models/", reason: "\(error); load the sources the models read first (`signalroom sync …`), then `signalroom models apply`")
        }
        // SQLite creates views without checking what they read: read each once so a model
        // naming a missing table fails here, by name, rather than inside a report.
        for model in models {
            do {
                _ = try await session.query("SELECT * FROM \(model.name) LIMIT 0", parameters: [:])
            } catch let error as QueryError {
                throw ReportError.invalidModel(file: model.file, reason: "\(error); sync the sources it reads first (`signalroom sync …`)")
            }
        }
    }

    /// Loads every seed into `analytics` (replacing the table), through the same loader as
    /// any source.
    public func loadSeeds(into destination: any Destination) async throws -> [ResourceLoadResult] {
        let seeds = seeds()
        guard !seeds.isEmpty else { return [] }
        let connection = try await destination.open(dataset: Self.dataset)
        var results: [ResourceLoadResult] = []
        do {
            for seed in seeds {
                let loader = ResourceLoader(pipeline: "seeds", connection: connection)
                results.append(try await loader.load(SeedResource(table: seed.table, file: seed.file, files: seedFiles), resumeLoadId: nil))
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return results
    }

    private static func trimmed(_ sql: String) -> String {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        return text
    }
}

/// A seed CSV as a resource: every row, `n/a` and empty cells as NULL, replacing the table.
struct SeedResource: Resource {
    let table: String
    let file: String
    let files: ProjectFiles

    var name: String { table }
    var writeDisposition: WriteDisposition { .replace }
    var incremental: IncrementalCursor? { nil }

    func plan(_ request: ExtractRequest) async throws -> [String] { ["seeds/\(file)"] }

    func extract(_ request: ExtractRequest, into sink: any RowSink) async throws {
        // Seeds are small (a mapping table), so reading one whole is fine.
        guard let bytes = files.bytes(file) else { throw FileFormatError.cannotOpen(path: "seeds/\(file)", reason: "it is gone") }
        var reader = CSVReader(bytes: bytes, displayName: "seeds/\(file)")
        let header = try reader.readHeader()
        var batch = RowBatch(fields: header)
        var record: [String] = []
        while try reader.nextRecord(into: &record) {
            batch.rows.append(
                record.map { text in
                    text.trimmingCharacters(in: .whitespaces).lowercased() == "n/a" ? .null : TextInference.value(of: text)
                })
        }
        sink.didRead(bytes: reader.bytesRead)
        try await sink.write(batch, resumeToken: "done")
    }
}

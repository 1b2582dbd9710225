import Foundation
import GRDB
import SignalRoomPipelines
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The embedded warehouse: one SQLite file per dataset in `directory`
/// (`state/warehouse/everflow.sqlite`), each ATTACHed under the dataset's name so SQL
/// says `everflow.daily_stats` as it would on PostgreSQL.
public struct SQLiteWarehouse: Destination {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public var location: String { directory.path }

    public func databasePath(dataset: String) -> String {
        directory.appendingPathComponent(dataset + ".sqlite").path
    }

    public func hasDataset(_ dataset: String) async throws -> Bool {
        try DatasetName.validate(dataset)
        return FileManager.default.fileExists(atPath: databasePath(dataset: dataset))
    }

    /// Datasets that have a database file.
    public func datasets() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(7)) }
            .filter { (try? DatasetName.validate($0)) != nil }.sorted()
    }

    public func open(dataset: String) async throws -> any DatasetConnection {
        try DatasetName.validate(dataset)
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw WarehouseError.sqliteFailed(path: directory.path, reason: "cannot create the warehouse directory: \(error.localizedDescription)")
        }
        let path = databasePath(dataset: dataset)
        // SQLite would create the file 0644 less the umask, and gives its -wal and -shm the
        // database file's mode: creating it first, 0600, keeps all three private.
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw WarehouseError.sqliteFailed(path: path, reason: "cannot create the database file: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        let connection = try SQLiteDatasetConnection(dataset: dataset, path: path)
        do {
            try await connection.prepare()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// A read-only connection with every dataset ATTACHed, for queries across datasets.
    public func openForQueries() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let attachments = datasets().map { ($0, databasePath(dataset: $0)) }
        configuration.prepareDatabase { db in
            for (name, path) in attachments {
                try db.execute(sql: "ATTACH DATABASE ? AS \(SQLIdentifier.quote(name))", arguments: [path])
            }
        }
        return try DatabaseQueue(configuration: configuration)
    }
}

import SignalRoomPipelines

/// The shared warehouse: one PostgreSQL database (`DATABASE_URL`), one schema per
/// dataset, so `everflow.daily_stats` means the same as in the embedded warehouse.
public struct PostgresWarehouse: Destination {
    public let url: PostgresURL

    public init(url: PostgresURL) {
        self.url = url
    }

    public init(databaseURL: String) throws {
        url = try PostgresURL(databaseURL)
    }

    public var location: String { url.location }

    public func hasDataset(_ dataset: String) async throws -> Bool {
        try DatasetName.validate(dataset)
        let session = try await PostgresSession.connect(url)
        do {
            let rows = try await session.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [.text(dataset)])
            await session.close()
            return !rows.isEmpty
        } catch {
            await session.close()
            throw error
        }
    }

    public func open(dataset: String) async throws -> any DatasetConnection {
        try DatasetName.validate(dataset)
        let session = try await PostgresSession.connect(url)
        let connection = PostgresDatasetConnection(dataset: dataset, session: session)
        do {
            try await connection.prepare()
        } catch {
            await session.close()
            throw error
        }
        return connection
    }
}

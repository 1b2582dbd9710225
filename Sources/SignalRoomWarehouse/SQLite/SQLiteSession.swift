import Foundation
import GRDB
import SignalRoomPipelines

/// The whole embedded warehouse in one connection: an in-memory main database with every
/// dataset file ATTACHed under its name, so `everflow.daily_stats` reads as on PostgreSQL.
final class SQLiteSession: WarehouseSession, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    let location: String
    private let queue: DatabaseQueue

    init(warehouse: SQLiteWarehouse) throws {
        location = warehouse.directory.path
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        let datasets = warehouse.datasets()
        configuration.prepareDatabase { db in
            for dataset in datasets {
                try db.execute(sql: "ATTACH DATABASE ? AS \(SQLIdentifier.quote(dataset))", arguments: [warehouse.databasePath(dataset: dataset)])
            }
        }
        do {
            queue = try DatabaseQueue(configuration: configuration)
        } catch {
            throw WarehouseError.sqliteFailed(path: location, reason: "\(error)")
        }
    }

    func query(_ sql: String, parameters: [String: QueryValue]) async throws -> QueryResult {
        var arguments: [String: (any DatabaseValueConvertible)?] = [:]
        for placeholder in NamedParameters.placeholders(in: sql) {
            guard let value = parameters[placeholder.name] else { throw QueryError.missingParameter(placeholder.name) }
            arguments[placeholder.name] = Self.databaseValue(value)
        }
        let bound = StatementArguments(arguments)
        do {
            return try await queue.read { db in
                let statement = try db.makeStatement(sql: sql)
                let columns = statement.columnNames
                let rows = try Row.fetchAll(statement, arguments: bound).map { row in
                    (0..<columns.count).map { Self.queryValue(row[$0] as DatabaseValue) }
                }
                return QueryResult(columns: columns, rows: rows)
            }
        } catch let error as DatabaseError {
            throw QueryError.failed(dialect: .sqlite, reason: error.message ?? "\(error)")
        }
    }

    func execute(_ statements: [String]) async throws {
        do {
            try await queue.write { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        } catch let error as DatabaseError {
            throw QueryError.failed(dialect: .sqlite, reason: error.message ?? "\(error)")
        }
    }

    func close() async {}

    private static func databaseValue(_ value: QueryValue) -> (any DatabaseValueConvertible)? {
        switch value {
        case .null: nil
        case .bool(let flag): flag
        case .int(let number): number
        case .double(let number): number
        case .text(let text): text
        }
    }

    private static func queryValue(_ value: DatabaseValue) -> QueryValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .text(text)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }
}

extension SQLiteWarehouse {
    public func session() async throws -> any WarehouseSession {
        try SQLiteSession(warehouse: self)
    }
}

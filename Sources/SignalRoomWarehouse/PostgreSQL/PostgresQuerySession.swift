import Foundation
import NIOCore
import PostgresNIO
import SignalRoomPipelines

/// Report and model queries on PostgreSQL. `:name` parameters become `$n` and are sent
/// with the `unknown` type, so the server types each one from its context exactly as it
/// would a quoted literal (`date = :date` compares dates): the same SQL text then means the
/// same on SQLite, where the value is compared as written.
final class PostgresQuerySession: WarehouseSession, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    var location: String { session.url.location }
    private let session: PostgresSession

    init(session: PostgresSession) {
        self.session = session
    }

    func query(_ sql: String, parameters: [String: QueryValue]) async throws -> QueryResult {
        let (numbered, names) = NamedParameters.numbered(sql)
        var bindings = PostgresBindings()
        for name in names {
            guard let value = parameters[name] else { throw QueryError.missingParameter(name) }
            switch value {
            case .null: bindings.appendNull()
            case .bool(let flag): bindings.append(UntypedText(flag ? "true" : "false"))
            case .int(let number): bindings.append(UntypedText(String(number)))
            case .double(let number): bindings.append(UntypedText(String(number)))
            case .text(let text): bindings.append(UntypedText(text))
            }
        }
        do {
            let rows = try await session.connection.query(PostgresQuery(unsafeSQL: numbered, binds: bindings), logger: session.logger)
            var columns: [String] = []
            var values: [[QueryValue]] = []
            for try await row in rows {
                if columns.isEmpty { columns = row.map(\.columnName) }
                values.append(try row.map(Self.value))
            }
            return QueryResult(columns: columns, rows: values)
        } catch let error as PSQLError {
            throw QueryError.failed(dialect: .postgres, reason: error.serverInfo?[.message] ?? "\(error.code)")
        }
    }

    func execute(_ statements: [String]) async throws {
        do {
            try await session.transaction {
                for statement in statements { try await session.query(statement, label: "a model or seed statement") }
            }
        } catch let WarehouseError.statementFailed(_, _, reason, _) {
            throw QueryError.failed(dialect: .postgres, reason: reason)
        }
    }

    func close() async {
        await session.close()
    }

    /// A cell as a `QueryValue`: whole `numeric` values (what `sum` of integers gives) come
    /// back as integers, like SQLite's.
    private static func value(_ cell: PostgresCell) throws -> QueryValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2: return .int(Int64(try cell.decode(Int16.self)))
        case .int4: return .int(Int64(try cell.decode(Int32.self)))
        case .int8: return .int(try cell.decode(Int64.self))
        case .float4: return .double(Double(try cell.decode(Float.self)))
        case .float8: return .double(try cell.decode(Double.self))
        case .numeric:
            // Binary numeric decodes through Decimal; its text form is what we need.
            let decimal = try cell.decode(Decimal.self)
            let text = "\(decimal)"
            if let whole = Int64(text) { return .int(whole) }
            return .double(Double(text) ?? NSDecimalNumber(decimal: decimal).doubleValue)
        case .bool: return .bool(try cell.decode(Bool.self))
        case .date:
            let date = try cell.decode(Date.self)
            return .text(Self.day.format(date))
        case .timestamptz, .timestamp:
            return .text(Date.ISO8601FormatStyle(includingFractionalSeconds: false).format(try cell.decode(Date.self)))
        default:
            return .text(try cell.decode(String.self))
        }
    }

    private static let day = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day()
}

/// Text sent with the `unknown` type (OID 705): the server infers the parameter's type.
struct UntypedText: PostgresNonThrowingEncodable {
    let text: String
    init(_ text: String) { self.text = text }

    static var psqlType: PostgresDataType { .unknown }
    static var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

extension PostgresWarehouse {
    public func session() async throws -> any WarehouseSession {
        PostgresQuerySession(session: try await PostgresSession.connect(url))
    }
}

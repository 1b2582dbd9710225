import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// One PostgreSQL connection with the few things the destination needs: statements with
/// bound values, transactions, COPY, and errors translated into `WarehouseError`s that
/// name the server but never the password.
final class PostgresSession: @unchecked Sendable {
    typealias Value = SQLValue

    let url: PostgresURL
    let connection: PostgresConnection
    let logger: Logger

    private init(url: PostgresURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    static func connect(_ url: PostgresURL) async throws -> PostgresSession {
        let logger = Logger(label: "signalroom.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try url.connectionTLS()
        } catch {
            throw WarehouseError.unreachable(location: url.location, reason: "TLS could not be set up: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user,
            password: url.password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresSession(url: url, connection: connection, logger: logger)
        } catch {
            throw Self.translate(error, location: url.location, statement: "connecting")
        }
    }

    func close() async {
        try? await connection.close()
    }

    /// Runs a statement and returns its rows as text (NULL as nil).
    @discardableResult
    func query(_ sql: String, _ values: [Value] = [], label: String? = nil) async throws -> [[String?]] {
        do {
            return try await untranslatedQuery(sql, values)
        } catch {
            throw Self.translate(error, location: url.location, statement: label ?? Self.summary(of: sql))
        }
    }

    private func untranslatedQuery(_ sql: String, _ values: [Value]) async throws -> [[String?]] {
        var bindings = PostgresBindings()
        for value in values {
            switch value {
            case .text(let text?): bindings.append(text)
            case .int(let integer): bindings.append(integer)
            case .text(nil): bindings.appendNull()
            }
        }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var result: [[String?]] = []
        for try await row in rows {
            result.append(try row.map { cell in try cell.decode(String?.self) })
        }
        return result
    }

    /// Runs `statements` in a savepoint of the open transaction. When the server refuses one
    /// with an SQLSTATE in `undoneOn`, everything they did is rolled back to the savepoint
    /// and that SQLSTATE is returned, so the caller can take a slower way that always works;
    /// any other error is thrown as `query` throws it.
    func attempt(_ statements: [(sql: String, values: [Value])], label: String, undoneOn states: Set<String>) async throws -> String? {
        try await query("SAVEPOINT signalroom_attempt")
        for statement in statements {
            do {
                _ = try await untranslatedQuery(statement.sql, statement.values)
            } catch let error as PSQLError {
                guard let state = error.serverInfo?[.sqlState], states.contains(state) else {
                    throw Self.translate(error, location: url.location, statement: label)
                }
                try await query("ROLLBACK TO SAVEPOINT signalroom_attempt")
                return state
            } catch {
                throw Self.translate(error, location: url.location, statement: label)
            }
        }
        try await query("RELEASE SAVEPOINT signalroom_attempt")
        return nil
    }

    @discardableResult
    func run(_ statement: SQLStatement) async throws -> [[String?]] {
        try await query(statement.sql, statement.values, label: statement.label)
    }

    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await query("BEGIN")
        do {
            let result = try await body()
            try await query("COMMIT")
            return result
        } catch {
            _ = try? await query("ROLLBACK")
            throw error
        }
    }

    /// `COPY table (columns) FROM STDIN` in text format; `table` is resolved through the
    /// session's search_path (postgres-nio quotes it as one identifier).
    func copy(into table: String, columns: [String], write: (PostgresCopyFromWriter) async throws -> Void) async throws {
        do {
            try await connection.copyFrom(table: table, columns: columns, format: .text(.init()), logger: logger, writeData: write)
        } catch {
            throw Self.translate(error, location: url.location, statement: "COPY into \(table)")
        }
    }

    private static func summary(of sql: String) -> String {
        let words = sql.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ")
        return "\"\(words)…\""
    }

    static func translate(_ error: Error, location: String, statement: String) -> Error {
        if let failure = error as? WarehouseError { return failure }
        guard let psql = error as? PSQLError else {
            if error is CancellationError { return error }
            return WarehouseError.unreachable(location: location, reason: "\(error)")
        }
        if let info = psql.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "error \(state)"
            if state.hasPrefix("28") { return WarehouseError.authenticationFailed(location: location, reason: message) }
            if state == "3D000" { return WarehouseError.authenticationFailed(location: location, reason: message) }
            // Connection trouble, serialization failures, deadlocks and lack of resources pass.
            let retryable = state.hasPrefix("08") || state.hasPrefix("40") || state.hasPrefix("53") || state.hasPrefix("57P")
            let detail = info[.detail].map { " (\($0))" } ?? ""
            return WarehouseError.statementFailed(location: location, statement: statement, reason: message + detail, retryable: retryable)
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            let reason = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
            return WarehouseError.unreachable(location: location, reason: reason)
        case .saslError, .unsupportedAuthMechanism, .authMechanismRequiresPassword:
            return WarehouseError.authenticationFailed(location: location, reason: "\(psql.code)")
        default:
            return WarehouseError.statementFailed(location: location, statement: statement, reason: "\(psql.code)", retryable: false)
        }
    }
}

extension PostgresURL {
    /// The TLS its `sslmode` asks for, for postgres-nio; throws when TLS cannot be set up.
    package func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}

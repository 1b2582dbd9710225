import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import SignalRoomEngine
import SignalRoomWarehouse

/// A value bound to a statement of the state store.
enum StateValue: Sendable {
    case text(String?)
    case int(Int)
    case double(Double?)
    /// Arrays, for `unnest` (bound as int8[] and text[]).
    case integers([Int])
    case texts([String])
}

/// One PostgreSQL connection used synchronously, the way the engine uses its store: the
/// journal's calls are synchronous on purpose (an actor that awaited inside `append` could
/// be re-entered between writing an event and counting it). Each statement runs on
/// SwiftNIO's event loop and is waited for on the calling thread; the future completes on
/// NIO's own thread, never on the cooperative pool, so waiting cannot starve it of the
/// thread it needs. Statements from concurrent callers are serialised by `lock`, so a
/// transaction's statements never interleave with another caller's.
///
/// The connection is the owner's identity: session advisory locks taken on it (the run
/// leases) are released by the server when it drops, which is how a dead owner is known
/// at once, as with `flock`.
final class StateConnection: @unchecked Sendable {
    let location: String
    private let connection: PostgresConnection
    /// postgres-nio's own logging stays off: the store's errors say what went wrong.
    private static let logger = Logger(label: "signalroom.state", factory: { _ in SwiftLogNoOpLogHandler() })
    private let lock = NIOLock()
    /// The server's process id for this connection (`pg_backend_pid()`).
    private(set) var backendPID = 0

    /// Whether the channel closed, and the statement waiting for its answer (at most one:
    /// `lock` serialises them), which the close fails. A promise completed twice keeps the
    /// first result.
    private let watch = NIOLockedValueBox<(closed: Bool, inFlight: EventLoopPromise<PostgresQueryResult>?)>((false, nil))

    private init(location: String, connection: PostgresConnection) {
        self.location = location
        self.connection = connection
        connection.closeFuture.whenComplete { [watch] _ in
            let waiting = watch.withLockedValue { watch in
                watch.closed = true
                return watch.inFlight
            }
            waiting?.fail(PostgresStateError.unreachable(location: location, reason: "the connection was closed"))
        }
    }

    static func connect(_ url: PostgresURL) throws -> StateConnection {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try url.connectionTLS()
        } catch {
            throw PostgresStateError.unreachable(location: url.location, reason: "TLS could not be set up: \(error)")
        }
        let connection: PostgresConnection
        do {
            // The address is resolved here and the socket opened on it, not by postgres-nio
            // from the host name: NIO resolves names on Dispatch's global queue, which on
            // Linux is the cooperative pool itself, so a caller blocking that pool while it
            // waits (as this synchronous store does) would wait forever on a thread that
            // never comes (seen with 8 concurrent connects on 2 cores).
            let address = try SocketAddress.makeAddressResolvingHost(url.host, port: url.port)
            let channel = try ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
                .channelOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPIDLE)), value: 10)
                .channelOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPINTVL)), value: 5)
                .channelOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPCNT)), value: 3)
                .connect(to: address).wait()
            var configuration = PostgresConnection.Configuration(
                establishedChannel: channel, tls: tls, username: url.user, password: url.password, database: url.database)
            if (try? SocketAddress(ipAddress: url.host, port: url.port)) == nil { configuration.options.tlsServerName = url.host }
            connection = try PostgresConnection.connect(on: channel.eventLoop, configuration: configuration, id: 1, logger: Self.logger).wait()
        } catch {
            throw translate(error, location: url.location, statement: "connecting")
        }
        let state = StateConnection(location: url.location, connection: connection)
        do {
            // A host that vanishes without closing its connection (power lost, partitioned)
            // sends no FIN: without keepalives the server would keep its session, and the
            // advisory locks of the runs and schedules it held, for the kernel's two hours.
            // Probed after 10 s of silence every 5 s, it is known dead within about 25 s,
            // and so is a server that vanished on this side (the socket options above).
            let rows = try state.query(
                """
                SELECT pg_backend_pid(), set_config('tcp_keepalives_idle', '10', false),
                  set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false),
                  set_config('tcp_user_timeout', '25000', false)
                """)
            state.backendPID = Int(rows.first?[0] ?? "0") ?? 0
        } catch {
            state.close()
            throw error
        }
        return state
    }

    func close() {
        try? connection.close().wait()
    }

    var isClosed: Bool { connection.isClosed }

    /// Runs one statement and returns its rows as text (NULL as nil).
    @discardableResult
    func query(_ sql: String, _ values: [StateValue] = []) throws -> [[String?]] {
        try lock.withLock { try perform(sql, values) }
    }

    /// Runs `body` in one transaction; its statements go through the handle it is given.
    /// A write that must be durable when it returns goes through here even when it is one
    /// statement: `query` returns at the statement's CommandComplete, which the server sends
    /// before the implicit commit, so a connection cut in between reports success for a
    /// write the server rolled back; COMMIT is answered after the commit.
    func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try lock.withLock {
            try perform("BEGIN", [])
            do {
                let result = try body(Transaction(connection: self))
                try perform("COMMIT", [])
                return result
            } catch {
                _ = try? perform("ROLLBACK", [])
                throw error
            }
        }
    }

    struct Transaction {
        let connection: StateConnection
        @discardableResult
        func query(_ sql: String, _ values: [StateValue] = []) throws -> [[String?]] { try connection.perform(sql, values) }
    }

    /// One statement in its own transaction, as `transaction` would run it, in the time of
    /// one round trip and a half: BEGIN, the statement and COMMIT are handed to the
    /// connection at once, which sends each when the one before was answered, so this
    /// thread waits once instead of three times: the append's path, 990–1,160 durable activities/s
    /// with three waits, 1,255/s with one (bench/state-postgres, same machine, same hour). A statement
    /// that fails turns the COMMIT into a rollback, and its error is thrown.
    @discardableResult
    func transactionOfOne(_ sql: String, _ values: [StateValue]) throws -> [[String?]] {
        try lock.withLock {
            let begin = send("BEGIN", [])
            let statement = send(sql, values)
            do {
                _ = try wait(for: send("COMMIT", []))
            } catch {
                throw Self.translate(error, location: location, statement: "COMMIT")
            }
            // COMMIT was answered, so the two before it were too.
            do {
                _ = try begin.wait()
                return try statement.wait().rows.map { row in try row.map(Self.text) }
            } catch {
                throw Self.translate(error, location: location, statement: Self.summary(of: sql))
            }
        }
    }

    fileprivate func perform(_ sql: String, _ values: [StateValue]) throws -> [[String?]] {
        do {
            return try wait(for: send(sql, values)).rows.map { row in try row.map(Self.text) }
        } catch {
            throw Self.translate(error, location: location, statement: Self.summary(of: sql))
        }
    }

    private func send(_ sql: String, _ values: [StateValue]) -> EventLoopFuture<PostgresQueryResult> {
        var bindings = PostgresBindings()
        for value in values {
            switch value {
            case .text(let text?): bindings.append(text)
            case .text(nil): bindings.appendNull()
            case .int(let integer): bindings.append(integer)
            case .double(let number?): bindings.append(number)
            case .double(nil): bindings.appendNull()
            case .integers(let integers): bindings.append(integers)
            case .texts(let texts): bindings.append(texts)
            }
        }
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: Self.logger)
    }

    /// Waits for `future`, raced against the channel's close: a statement written while the
    /// server cut the connection (pg_terminate_backend, a restart), or after it closed, is
    /// otherwise never answered, and its caller waited forever (seen once in a few hundred
    /// cuts mid-append).
    private func wait(for future: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
        let answer = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        let alreadyClosed = watch.withLockedValue { watch in
            watch.inFlight = answer
            return watch.closed
        }
        defer { watch.withLockedValue { $0.inFlight = nil } }
        if alreadyClosed { answer.fail(PostgresStateError.unreachable(location: location, reason: "the connection was closed")) }
        future.cascade(to: answer)
        return try answer.futureResult.wait()
    }

    /// A cell as text, whatever its type (integers and booleans arrive in binary).
    static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8: return String(try cell.decode(Int.self))
        case .bool: return try cell.decode(Bool.self) ? "t" : "f"
        case .float4, .float8: return String(try cell.decode(Double.self))
        default: return try cell.decode(String.self)
        }
    }

    static func summary(of sql: String) -> String {
        let words = sql.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ")
        return words.count > 60 ? String(words.prefix(60)) + "…" : words
    }

    static func translate(_ error: Error, location: String, statement: String) -> Error {
        if error is PostgresStateError { return error }
        guard let psql = error as? PSQLError else { return PostgresStateError.unreachable(location: location, reason: "\(error)") }
        if let info = psql.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "error \(state)"
            if state.hasPrefix("08") || state.hasPrefix("57P") {
                return PostgresStateError.unreachable(location: location, reason: message)
            }
            return PostgresStateError.statementFailed(location: location, statement: statement, sqlState: state, reason: message)
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return PostgresStateError.unreachable(location: location, reason: psql.underlying.map { "\($0)" } ?? "the connection was closed")
        default:
            return PostgresStateError.statementFailed(location: location, statement: statement, sqlState: "", reason: "\(psql.code)")
        }
    }
}

/// Why the PostgreSQL state could not be used. The location is `user@host:port/database`:
/// never the password.
public enum PostgresStateError: Error, Sendable, CustomStringConvertible {
    /// The state URL cannot be used as given (the reason never quotes it).
    case invalidURL(reason: String)
    case unreachable(location: String, reason: String)
    case statementFailed(location: String, statement: String, sqlState: String, reason: String)
    case newerSchema(location: String, schema: String, found: Int, known: Int)
    /// The lease's hold on the run was lost (its connection dropped, or another process
    /// claimed the run since): it may not write another event.
    case leaseLost(workflowId: String, runId: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            "the state URL (SIGNALROOM_STATE_URL, --state or --to) is not a usable PostgreSQL URL: \(reason); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        case .unreachable(let location, let reason):
            "the PostgreSQL state at \(location) cannot be reached (\(reason)); check the state URL and that the server is up"
        case .statementFailed(let location, let statement, let sqlState, let reason):
            "the PostgreSQL state at \(location) refused \(statement)\(sqlState.isEmpty ? "" : " [\(sqlState)]"): \(reason)"
        case .newerSchema(let location, let schema, let found, let known):
            "the PostgreSQL state at \(location) (schema \(schema)) has schema version \(found), newer than this build knows (\(known)); upgrade signalroom on this host"
        case .leaseLost(let workflowId, let runId):
            "workflow \(workflowId) (run \(runId)) is no longer held by this process (its connection to the state dropped or another process claimed it); the next `signalroom run-due` resumes it"
        }
    }
}

extension WorkflowStoreError {
    /// Whether a PostgreSQL error is a unique-key violation (a lost race for a claim).
    static func isUniqueViolation(_ error: Error) -> Bool {
        if case .statementFailed(_, _, let state, _)? = error as? PostgresStateError { return state == "23505" }
        return false
    }
}

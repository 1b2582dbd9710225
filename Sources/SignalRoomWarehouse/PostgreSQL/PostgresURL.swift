import Foundation

/// `DATABASE_URL` taken apart: `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE`.
/// `location` is what messages show; the password never leaves this value.
public struct PostgresURL: Sendable {
    public enum TLSMode: String, Sendable {
        /// No TLS (a server on loopback or a private network).
        case disable
        /// TLS when the server offers it (libpq's default).
        case prefer
        /// TLS or fail; the certificate is verified.
        case require
    }

    public var host: String
    public var port: Int
    public var user: String
    package var password: String?
    public var database: String
    public var tls: TLSMode

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw WarehouseError.invalidDatabaseURL(reason: "it must start with postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw WarehouseError.invalidDatabaseURL(reason: "it names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw WarehouseError.invalidDatabaseURL(reason: "it names no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw WarehouseError.invalidDatabaseURL(reason: "it names no database") }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        switch mode {
        case "disable": tls = .disable
        case "allow", "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default: throw WarehouseError.invalidDatabaseURL(reason: "sslmode \(mode) is not one of disable, prefer, require, verify-full")
        }
    }

    /// `user@host:port/database`: safe to print.
    public var location: String { "\(user)@\(host):\(port)/\(database)" }
}

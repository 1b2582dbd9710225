import SignalRoomCore
import SignalRoomPipelines

/// What went wrong talking to the warehouse, said so a user can act on it. Never carries
/// a password: connection errors name the host, port, database and user only.
public enum WarehouseError: RetryClassifiedError, Equatable {
    case invalidDatasetName(String)
    case invalidDatabaseURL(reason: String)
    /// The server could not be reached (refused, timed out, name not resolved): transient.
    case unreachable(location: String, reason: String)
    /// The server refused the credentials: retrying will not help.
    case authenticationFailed(location: String, reason: String)
    /// The server answered a statement with an error.
    case statementFailed(location: String, statement: String, reason: String, retryable: Bool)
    case sqliteFailed(path: String, reason: String)
    /// The dataset's ledger is a newer version than this build knows (`supported`): a newer
    /// signalroom wrote it, and only a newer one may read or write it.
    case ledgerTooNew(dataset: String, location: String, version: Int, supported: Int)
    /// The dataset's recorded ledger version is not a version number.
    case unreadableLedgerVersion(dataset: String, location: String, value: String)

    public var isRetryable: Bool {
        switch self {
        case .unreachable: true
        case .statementFailed(_, _, _, let retryable): retryable
        default: false
        }
    }

    public var failureType: String {
        switch self {
        case .unreachable: "WarehouseUnreachable"
        case .authenticationFailed: "WarehouseAuthenticationFailed"
        case .ledgerTooNew, .unreadableLedgerVersion: "WarehouseLedgerVersion"
        case .invalidDatabaseURL, .invalidDatasetName: "ConfigurationError"
        default: "WarehouseError"
        }
    }

    public var description: String {
        switch self {
        case .invalidDatasetName(let name):
            "dataset name \"\(name)\" is not usable: use lower-case letters, digits and underscores, starting with a letter (and not main, temp, public or pg_*)"
        case .invalidDatabaseURL(let reason):
            "DATABASE_URL is not a usable PostgreSQL URL: \(reason); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        case .unreachable(let location, let reason):
            "cannot reach PostgreSQL at \(location): \(reason); check that the server runs and DATABASE_URL's host and port"
        case .authenticationFailed(let location, let reason):
            "PostgreSQL at \(location) refused the login: \(reason); check the user and password in DATABASE_URL"
        case .statementFailed(let location, let statement, let reason, _):
            "PostgreSQL at \(location) failed \(statement): \(reason)"
        case .sqliteFailed(let path, let reason):
            "SQLite warehouse \(path): \(reason)"
        case .ledgerTooNew(let dataset, let location, let version, let supported):
            "dataset \(dataset) at \(location) has ledger version \(version), but this build of signalroom knows versions up to \(supported): "
                + "upgrade signalroom to open it"
        case .unreadableLedgerVersion(let dataset, let location, let value):
            "dataset \(dataset) at \(location) records ledger version \"\(value)\" in _signalroom_meta, which is not a version number: "
                + "set it to the ledger's version (this build writes \(LedgerMigrator.currentVersion))"
        }
    }
}

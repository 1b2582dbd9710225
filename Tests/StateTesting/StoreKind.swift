import Foundation
import SignalRoomEngine
import SignalRoomScheduler
import SignalRoomStatePostgres
import Testing

/// The stores the engine's and the scheduler's suites run against: the same test, the same
/// guarantees, files and the PostgreSQL state (DESIGN §9). A state directory stands for a
/// PostgreSQL schema, so each store made for the same directory is another process's
/// connection to the same state.
public enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case files, postgres

    public var testDescription: String { rawValue }

    /// The test server's URL; nil (with an issue recorded) when the tests were not started
    /// through scripts/test.
    public static var databaseURL: String? {
        guard let url = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("SIGNALROOM_TEST_DATABASE_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
            return nil
        }
        return url
    }

    /// The PostgreSQL schema that stands for the state directory `root`.
    public static func schema(for root: URL) -> String {
        "state_" + root.lastPathComponent.suffix(36).filter { $0.isHexDigit }.lowercased()
    }

    /// A history store on the state `root` stands for: another connection each time.
    public func makeStore(root: URL) throws -> any HistoryStore {
        try makeStores(root: root).histories
    }

    /// The history and schedule stores of one "process" on the state `root` stands for
    /// (on PostgreSQL, one connection, as the command line opens them).
    public func makeStores(root: URL) throws -> (histories: any HistoryStore, schedules: any ScheduleStore) {
        switch self {
        case .files: return (FileHistoryStore(root: root), FileScheduleStore(stateDirectory: root))
        case .postgres:
            guard let url = Self.databaseURL else { throw CancellationError() }
            let state = try PostgresState(url: url, schema: Self.schema(for: root))
            return (PostgresHistoryStore(state: state), PostgresScheduleStore(state: state))
        }
    }
}

/// A fresh state of the given kind for the body, in a new temporary directory; a
/// PostgreSQL one is dropped afterwards. Nil (with an issue recorded) when PostgreSQL is
/// asked for and the test server is not there.
public func withState<T>(
    _ kind: StoreKind, isolation: isolated (any Actor)? = #isolation, _ body: (URL) async throws -> T
) async throws -> T? {
    var url: String?
    if kind == .postgres {
        guard let found = StoreKind.databaseURL else { return nil }
        url = found
    }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-state-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer {
        try? FileManager.default.removeItem(at: root)
        if let url { try? PostgresState(url: url, schema: StoreKind.schema(for: root)).dropSchema() }
    }
    return try await body(root)
}

import Foundation
import SignalRoomEngine
import SignalRoomStatePostgres
import Testing

/// The stores the engine's suites run against: the same test, the same guarantees, files
/// and the PostgreSQL state (DESIGN §9).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case files, postgres

    var testDescription: String { rawValue }

    /// The test server's URL; nil (with an issue recorded) when the tests were not started
    /// through scripts/test.
    static var databaseURL: String? {
        guard let url = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("SIGNALROOM_TEST_DATABASE_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
            return nil
        }
        return url
    }

    /// The PostgreSQL schema that stands for the state directory `root`: every store made
    /// for the same root shares it, as processes share a state directory.
    static func schema(for root: URL) -> String {
        "engine_" + root.lastPathComponent.suffix(36).filter { $0.isHexDigit }.lowercased()
    }

    /// A store on the state `root` stands for: another connection (another "process") each time.
    func makeStore(root: URL) throws -> any HistoryStore {
        switch self {
        case .files: return FileHistoryStore(root: root)
        case .postgres:
            guard let url = Self.databaseURL else { throw CancellationError() }
            return try PostgresHistoryStore(url: url, schema: Self.schema(for: root))
        }
    }
}

/// A fresh state of the given kind for the body; a PostgreSQL one is dropped afterwards.
func withState<T>(
    _ kind: StoreKind, isolation: isolated (any Actor)? = #isolation, _ body: (URL) async throws -> T
) async throws -> T? {
    if kind == .postgres, StoreKind.databaseURL == nil { return nil }
    return try await withTemporaryDirectory { root in
        defer {
            if kind == .postgres, let url = StoreKind.databaseURL {
                try? PostgresHistoryStore(url: url, schema: StoreKind.schema(for: root)).dropSchema()
            }
        }
        return try await body(root)
    }
}

import Foundation
import Testing

/// `signalroom sync s3` against moto's S3 server (a real S3 emulator that `scripts/test`
/// starts), with objects uploaded by boto3.
@Suite(.serialized)
struct S3SyncTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var fixtures: String { repository.appendingPathComponent("Tests/Support/s3_fixtures.py").path }

    static func endpoint() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_S3_ENDPOINT"], !url.isEmpty else {
            Issue.record("SIGNALROOM_TEST_S3_ENDPOINT is not set: run the tests through scripts/test, which starts moto's S3 server")
            throw CancellationError()
        }
        return url
    }

    struct Bucket {
        let fixture: SyncFixture
        let name: String
        let endpoint: String
        var keyId = "testing"
        var secret = "testing"

        var s3Environment: [String: String] {
            ["S3_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": keyId, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1"]
        }

        /// The environment `signalroom sync s3` runs with.
        func syncEnvironment(prefixes: String) -> [String: String] {
            s3Environment.merging([
                "S3_BUCKET_NAME": name, "S3_PREFIXES": prefixes, "S3_DATASET": fixture.dataset,
                "SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS": "0.05",
            ]) { $1 }
        }

        @discardableResult
        func boto(_ arguments: [String]) async throws -> String {
            let result = try await fixture.cli.runTool(["python3", S3SyncTests.fixtures] + arguments, environment: s3Environment)
            guard result.status == 0 else {
                Issue.record("s3_fixtures.py \(arguments.first ?? ""): \(result.stderr)")
                throw CancellationError()
            }
            return result.stdout
        }
    }

    func withBucket(
        _ kind: WarehouseKind = .sqlite, endpoint: String? = nil, keyId: String = "testing", secret: String = "testing",
        _ body: (Bucket) async throws -> Void
    ) async throws {
        let endpoint = try endpoint ?? Self.endpoint()
        try await SyncFixture.with(kind) { fixture in
            var bucket = Bucket(fixture: fixture, name: "exports-" + fixture.dataset, endpoint: endpoint)
            bucket.keyId = keyId
            bucket.secret = secret
            try await bucket.boto(["create-bucket", bucket.name])
            do {
                try await body(bucket)
            } catch {
                _ = try? await bucket.boto(["delete-bucket", bucket.name])
                throw error
            }
            try await bucket.boto(["delete-bucket", bucket.name])
        }
    }

    @Test func moreThanAThousandKeysAndKeysWithSpacesAndUnicodeAllLoad() async throws {
        try await withBucket { bucket in
            try await bucket.boto(["many", bucket.name, "orders-create", "1100"])
            try await bucket.boto([
                "put", bucket.name, "orders-create/export 2024-12-02 café.csv", "\u{FEFF}id,value\r\n9001,\"ß, ü\"\r\n9002,plain\r\n",
            ])
            try await bucket.boto(["put", bucket.name, "orders-create/README.txt", "not an export"])
            // Shares the prefix's text but not its folder: not part of orders_create.
            try await bucket.boto(["put", bucket.name, "orders-create-old/old_2024-12-05.csv", "id,value\n1,old\n"])
            let result = try await bucket.fixture.run(["sync", "s3", "--json"], environment: bucket.syncEnvironment(prefixes: "orders-create"))
            #expect(result.status == 0, "\(result.stderr)")
            let table = try #require((try ConnectorSyncTests.result(result.stdout)["tables"] as? [[String: Any]])?.first)
            #expect(table["table"] as? String == "orders_create")
            #expect(table["rows"] as? Int == 1102)
            let fixture = bucket.fixture
            #expect(try await fixture.count("orders_create") == 1102)
            let unicode = try await fixture.query(
                "SELECT id, value, _row_id, _file_date FROM \(fixture.dataset).orders_create WHERE _file_name = 'orders-create/export 2024-12-02 café.csv' ORDER BY _row_id"
            )
            #expect(unicode == ["9001|ß, ü|0|2024-12-02", "9002|plain|1|2024-12-02"])
            #expect(try await fixture.cursor("orders_create") == "2024-12-02")

            // Again: only objects dated on or after the cursor are read, and nothing duplicates.
            let again = try await fixture.run(["sync", "s3", "--json"], environment: bucket.syncEnvironment(prefixes: "orders-create"))
            #expect(again.status == 0, "\(again.stderr)")
            #expect((try ConnectorSyncTests.result(again.stdout)["tables"] as? [[String: Any]])?.first?["rows"] as? Int == 2)
            #expect(try await fixture.count("orders_create") == 1102)
        }
    }

    @Test func twoHundredMegabyteObjectLoadsWithBoundedMemory() async throws {
        try await withBucket { bucket in
            let file = bucket.fixture.cli.root.appendingPathComponent("big_2024-12-01.csv").path
            let rows = Int(try await bucket.boto(["big", file, "200"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            try await bucket.boto(["upload", bucket.name, "orders-big/big_2024-12-01.csv", file])
            try? FileManager.default.removeItem(atPath: file)
            let result = try await bucket.fixture.run(["sync", "s3"], environment: bucket.syncEnvironment(prefixes: "orders-big"))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try await bucket.fixture.count("orders_big") == rows)
            // The object is streamed to disk and read in place: the process never holds it.
            #expect(result.peakMemoryKB < 150 * 1024, "peak RSS \(result.peakMemoryKB / 1024) MB for a 200 MB object")
        }
    }

    @Test func killedMidPrefixResumesAndLoadsEachObjectOnce() async throws {
        try await withBucket { bucket in
            try await bucket.boto(["many", bucket.name, "orders-update", "6", "--date", "2024-12-03"])
            let environment = bucket.syncEnvironment(prefixes: "orders-update")
            // Each finished object is a committed chunk: die after the second.
            let killed = try await bucket.fixture.run(
                ["sync", "s3"], environment: environment.merging(["SIGNALROOM_TEST_KILL_AT": "staged:2"]) { $1 })
            #expect(killed.killedBySignal, "\(killed.stderr)")
            let resumed = try await bucket.fixture.run(["sync", "s3", "--json"], environment: environment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let table = try #require((try ConnectorSyncTests.result(resumed.stdout)["tables"] as? [[String: Any]])?.first)
            #expect(table["resumed"] as? Bool == true)
            #expect(try await bucket.fixture.count("orders_update") == 6)
            #expect(try await bucket.fixture.query("SELECT status, rows FROM \(bucket.fixture.dataset)._signalroom_loads") == ["completed|6"])
        }
    }

    @Test func missingBucketIsAClearErrorNamingTheSetting() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            let bucket = Bucket(fixture: fixture, name: "no-such-bucket-\(fixture.dataset)", endpoint: try Self.endpoint())
            let result = try await fixture.run(
                ["sync", "s3", "--no-notify-on-failure"], environment: bucket.syncEnvironment(prefixes: "orders-create"))
            #expect(result.status == 1)
            #expect(result.stderr.contains("NoSuchBucket") && result.stderr.contains("S3_BUCKET_NAME"), "\(result.stderr)")
            #expect(try fixture.cli.historyLines("sync-s3").filter { $0.eventType == "ActivityTaskStarted" }.count == 1, "not retried")
        }
    }

    /// A second moto that checks credentials and signatures, so a wrong secret is refused
    /// by a real verifier of Signature V4 (and the right one accepted).
    @Test func wrongCredentialsAreRefusedAndTheSecretIsNeverPrinted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-moto-auth-\(UUID().uuidString)")
        let moto = Self.repository.appendingPathComponent("scripts/moto").path
        let probe = try CLIHarness()
        defer { probe.cleanUp() }
        let started = try await probe.runTool(
            [moto, "start", directory.path],
            environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3", "SIGNALROOM_TEST_S3_PORT": "54340"])
        try #require(started.status == 0, "\(started.stderr)")
        let endpoint = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try await checkCredentials(endpoint: endpoint, probe: probe)
        } catch {
            _ = try? await probe.runTool([moto, "stop", directory.path])
            throw error
        }
        _ = try await probe.runTool([moto, "stop", directory.path])
    }

    private func checkCredentials(endpoint: String, probe: CLIHarness) async throws {
        let user = try await probe.runTool(["python3", Self.fixtures, "iam-user", "loader"], environment: ["S3_ENDPOINT_URL": endpoint])
        try #require(user.status == 0, "\(user.stderr)")
        let parts = user.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try #require(parts.count == 2)
        try await withBucket(endpoint: endpoint, keyId: parts[0], secret: parts[1]) { bucket in
            try await bucket.boto(["put", bucket.name, "orders-create/orders_2024-12-01.csv", "id\n1\n"])
            let good = try await bucket.fixture.run(["sync", "s3"], environment: bucket.syncEnvironment(prefixes: "orders-create"))
            #expect(good.status == 0, "signed with the right secret, moto accepts it: \(good.stderr)")

            let wrongSecret = "wrong-secret-Zx81Qp0aa"
            var environment = bucket.syncEnvironment(prefixes: "orders-create")
            environment["AWS_SECRET_ACCESS_KEY"] = wrongSecret
            let bad = try await bucket.fixture.run(["sync", "s3", "--id", "bad-secret", "--no-notify-on-failure"], environment: environment)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("S3 refused the credentials") && bad.stderr.contains("SignatureDoesNotMatch"), "\(bad.stderr)")
            #expect(!(bad.stdout + bad.stderr).contains(wrongSecret))

            environment["AWS_ACCESS_KEY_ID"] = "AKIANOSUCHKEY0000000"
            let unknown = try await bucket.fixture.run(["sync", "s3", "--id", "bad-key", "--no-notify-on-failure"], environment: environment)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("InvalidAccessKeyId"), "\(unknown.stderr)")
        }
    }
}

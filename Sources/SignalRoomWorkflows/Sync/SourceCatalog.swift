import Foundation
import SignalRoomConnectors
import SignalRoomCore
import SignalRoomHTTP
import SignalRoomFiles
import SignalRoomPipelines

/// The sources this build can sync and the configuration each one needs, read from the
/// environment (process environment over `.env`) once, when a source is built.
public struct SourceCatalog: Sendable {
    public struct Variable: Sendable, Codable {
        public var name: String
        public var required: Bool
        public var purpose: String
        public var isSet: Bool
    }

    public struct Entry: Sendable, Codable {
        public var name: String
        public var dataset: String
        public var description: String
        public var resources: [String]
        public var variables: [Variable]
        public var configured: Bool { variables.allSatisfy { !$0.required || $0.isSet } }
    }

    public let environment: [String: String]
    /// "Now" for the connectors' "through yesterday" rule.
    public let now: @Sendable () -> Date
    /// Told of each HTTP attempt about to be retried (the CLI logs it at `warning`).
    public var httpRetries: (@Sendable (HTTPRetry) -> Void)?

    public init(environment: [String: String], now: @escaping @Sendable () -> Date = { Date() },
                httpRetries: (@Sendable (HTTPRetry) -> Void)? = nil) {
        self.environment = environment
        self.now = now
        self.httpRetries = httpRetries
    }

    public static let names = ["everflow", "files", "redtrack", "s3"]

    /// The defaults of settings more than one part reads, each written once.
    static let defaultReportZone = "America/New_York"
    static let defaultEverflowAdvertisers = "1,2"

    private func variable(_ name: String, required: Bool, _ purpose: String) -> Variable {
        Variable(name: name, required: required, purpose: purpose, isSet: !(environment[name] ?? "").isEmpty)
    }

    private func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var clientId: String { value("SIGNALROOM_CLIENT_ID") ?? "default" }

    public var entries: [Entry] {
        let common = [
            variable("SIGNALROOM_CLIENT_ID", required: false, "value of every row's _client_id, default default"),
        ]
        let timing = [
            variable("REPORT_TIMEZONE", required: false, "the report's zone for dates and \"yesterday\", default \(Self.defaultReportZone)"),
            variable("SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS", required: false, "first in-process HTTP retry delay, default 1 (doubles, 4 attempts)"),
            variable("SIGNALROOM_HTTP_CONNECT_TIMEOUT_SECONDS", required: false, "how long a connection may take to open, default 10"),
        ]
        return [
            Entry(name: "everflow", dataset: value("EVERFLOW_DATASET") ?? "everflow",
                  description: "Everflow affiliate stats per day, affiliate and advertiser; merged on (date, affiliate_id, advertiser_id), incremental on date through yesterday",
                  resources: ["daily_stats"],
                  variables: [
                      variable("EVERFLOW_API_KEY", required: true, "the network API key (X-Eflow-API-Key)"),
                      variable("EVERFLOW_BASE_URL", required: false, "default https://api.eflow.team"),
                      variable("EVERFLOW_ADVERTISER_IDS", required: false, "advertisers kept (comma-separated), default \(Self.defaultEverflowAdvertisers)"),
                      variable("EVERFLOW_START_DATE", required: false, "first day of the first sync, default 30 days ago"),
                      variable("EVERFLOW_PAGE_SIZE", required: false, "rows a page, default 10000"),
                      variable("EVERFLOW_DATASET", required: false, "dataset (schema) name, default everflow"),
                  ] + timing + common),
            Entry(name: "files", dataset: value("FILES_DATASET") ?? "files",
                  description: "CSV and JSON Lines exports in a local directory: one table per sub-directory or file-name prefix, merged on (_file_name, _row_id), incremental on the file date",
                  resources: ["one per sub-directory or file-name prefix"],
                  variables: [
                      variable("FILES_SOURCE_DIR", required: true, "the directory holding the exports"),
                      variable("FILES_DATASET", required: false, "dataset (schema) name, default files"),
                  ] + common),
            Entry(name: "redtrack", dataset: value("REDTRACK_DATASET") ?? "redtrack",
                  description: "RedTrack spend per day and traffic source, one request a day; merged on (date, source_id), incremental on date through yesterday",
                  resources: ["daily_spend"],
                  variables: [
                      variable("REDTRACK_API_KEY", required: true, "the API key (api_key parameter)"),
                      variable("REDTRACK_BASE_URL", required: false, "default https://api.redtrack.io"),
                      variable("REDTRACK_PACING_SECONDS", required: false, "pause between day requests, default 1"),
                      variable("REDTRACK_START_DATE", required: false, "first day of the first sync, default 30 days ago"),
                      variable("REDTRACK_DATASET", required: false, "dataset (schema) name, default redtrack"),
                  ] + timing + common),
            Entry(name: "s3", dataset: value("S3_DATASET") ?? "s3_exports",
                  description: "CSV exports in S3, one table per prefix; merged on (_file_name, _row_id), incremental on the file date",
                  resources: (value("S3_PREFIXES") ?? "").split(separator: ",").map { ColumnName.normalize(String($0).trimmingCharacters(in: .whitespaces)) },
                  variables: [
                      variable("S3_BUCKET_NAME", required: true, "the bucket"),
                      variable("S3_PREFIXES", required: true, "comma-separated prefixes, e.g. orders-create,orders-update"),
                      variable("AWS_ACCESS_KEY_ID", required: true, "access key id"),
                      variable("AWS_SECRET_ACCESS_KEY", required: true, "secret access key"),
                      variable("AWS_REGION", required: false, "default us-east-1"),
                      variable("AWS_SESSION_TOKEN", required: false, "for temporary credentials"),
                      variable("S3_ENDPOINT_URL", required: false, "an S3-compatible store (path-style URLs)"),
                      variable("S3_DATASET", required: false, "dataset (schema) name, default s3_exports"),
                  ] + timing.suffix(1) + common),
        ]
    }

    /// The source, configured from the environment; a missing or unusable variable is a
    /// configuration error naming it.
    public func source(named name: String) throws -> any Source {
        switch name {
        case "files":
            let directory = try required("FILES_SOURCE_DIR", source: name, purpose: "the directory holding the exports")
            return FilesSource(name: name, dataset: value("FILES_DATASET") ?? "files",
                               directory: URL(fileURLWithPath: directory).standardizedFileURL, clientId: clientId)
        case "everflow":
            let zone = try reportZone()
            guard let everflowZone = EverflowTimeZone(zone) else {
                throw SourceConfigurationError.invalidVariable(
                    variable: "REPORT_TIMEZONE", value: zone.identifier,
                    expected: "a zone whose Everflow timezone_id is known: \(EverflowTimeZone.supported) (any other would query another zone's days)")
            }
            let advertisers = (value("EVERFLOW_ADVERTISER_IDS") ?? Self.defaultEverflowAdvertisers).split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var settings = EverflowSource.Settings(
                apiKey: try required("EVERFLOW_API_KEY", source: name, purpose: "the network API key"),
                baseURL: try baseURL("EVERFLOW_BASE_URL", default: "https://api.eflow.team"),
                reportZone: everflowZone, advertiserIds: advertisers,
                startDate: try startDate("EVERFLOW_START_DATE"), clientId: clientId)
            settings.pageSize = try positiveInteger("EVERFLOW_PAGE_SIZE", default: 10_000)
            settings.http = try httpConfiguration()
            return EverflowSource(name: name, dataset: value("EVERFLOW_DATASET") ?? "everflow", settings: settings, now: now)
        case "redtrack":
            var settings = RedTrackSource.Settings(
                apiKey: try required("REDTRACK_API_KEY", source: name, purpose: "the API key"),
                baseURL: try baseURL("REDTRACK_BASE_URL", default: "https://api.redtrack.io"),
                startDate: try startDate("REDTRACK_START_DATE"), clientId: clientId)
            settings.timeZone = try reportZone()
            settings.pacing = try seconds("REDTRACK_PACING_SECONDS", default: 1)
            settings.http = try httpConfiguration()
            return RedTrackSource(name: name, dataset: value("REDTRACK_DATASET") ?? "redtrack", settings: settings, now: now)
        case "s3":
            let bucket = try required("S3_BUCKET_NAME", source: name, purpose: "the bucket")
            let prefixes = try required("S3_PREFIXES", source: name, purpose: "comma-separated prefixes")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var settings = S3Client.Settings(
                bucket: bucket, region: value("AWS_REGION") ?? "us-east-1",
                accessKeyId: try required("AWS_ACCESS_KEY_ID", source: name, purpose: "the access key id"),
                secretAccessKey: try required("AWS_SECRET_ACCESS_KEY", source: name, purpose: "the secret access key"),
                sessionToken: value("AWS_SESSION_TOKEN"),
                endpoint: try value("S3_ENDPOINT_URL").map { _ in try baseURL("S3_ENDPOINT_URL", default: "") })
            settings.http = try httpConfiguration()
            return S3ExportsSource(name: name, dataset: value("S3_DATASET") ?? "s3_exports", client: S3Client(settings: settings),
                                   prefixes: prefixes, clientId: clientId)
        default:
            throw SourceConfigurationError.unknownSource(name: name, known: Self.names)
        }
    }

    // MARK: Reading settings

    private func required(_ variable: String, source: String, purpose: String) throws -> String {
        guard let text = value(variable) else {
            throw SourceConfigurationError.missingVariable(source: source, variable: variable, purpose: purpose)
        }
        return text
    }

    private func baseURL(_ variable: String, default fallback: String) throws -> URL {
        let text = value(variable) ?? fallback
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil else {
            throw SourceConfigurationError.invalidVariable(variable: variable, value: text, expected: "an http(s) URL such as \(fallback.isEmpty ? "http://127.0.0.1:5000" : fallback)")
        }
        return url
    }

    private func reportZone() throws -> TimeZone {
        let name = value("REPORT_TIMEZONE") ?? Self.defaultReportZone
        guard let zone = TimeZone(identifier: name) else {
            throw SourceConfigurationError.invalidVariable(variable: "REPORT_TIMEZONE", value: name, expected: "an IANA zone such as America/New_York")
        }
        return zone
    }

    private func startDate(_ variable: String) throws -> CivilDate {
        guard let text = value(variable) else { return CivilDate.of(now(), in: (try? reportZone()) ?? TimeZone(identifier: "UTC")!).adding(days: -30) }
        guard let day = CivilDate(text) else {
            throw SourceConfigurationError.invalidVariable(variable: variable, value: text, expected: "a date as YYYY-MM-DD")
        }
        return day
    }

    private func positiveInteger(_ variable: String, default fallback: Int) throws -> Int {
        guard let text = value(variable) else { return fallback }
        guard let number = Int(text), number > 0 else {
            throw SourceConfigurationError.invalidVariable(variable: variable, value: text, expected: "a whole number above 0")
        }
        return number
    }

    private func seconds(_ variable: String, default fallback: Double) throws -> Double {
        guard let text = value(variable) else { return fallback }
        guard let number = Double(text), number >= 0, number.isFinite else {
            throw SourceConfigurationError.invalidVariable(variable: variable, value: text, expected: "seconds, 0 or more (e.g. 0.5)")
        }
        return number
    }

    /// `SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS` and `SIGNALROOM_HTTP_CONNECT_TIMEOUT_SECONDS`,
    /// read in this one place for sources and channels.
    func httpConfiguration() throws -> ServiceClient.Configuration {
        var configuration = ServiceClient.Configuration()
        configuration.initialDelay = try seconds("SIGNALROOM_HTTP_RETRY_INITIAL_SECONDS", default: 1)
        configuration.connectTimeout = try seconds("SIGNALROOM_HTTP_CONNECT_TIMEOUT_SECONDS", default: 10)
        configuration.onRetry = httpRetries
        return configuration
    }
}

public enum SourceConfigurationError: RetryClassifiedError, Equatable {
    case unknownSource(name: String, known: [String])
    case missingVariable(source: String, variable: String, purpose: String)
    case invalidVariable(variable: String, value: String, expected: String)

    public var isRetryable: Bool { false }
    public var failureType: String { "ConfigurationError" }

    public var description: String {
        switch self {
        case .unknownSource(let name, let known):
            "unknown source \"\(name)\"; sources: \(known.joined(separator: ", ")) (`signalroom sources` lists them)"
        case .missingVariable(let source, let variable, let purpose):
            "source \(source) needs \(variable) (\(purpose)); set it in the environment or in .env"
        case .invalidVariable(let variable, let value, let expected):
            "\(variable) is \"\(value)\"; expected \(expected)"
        }
    }
}

import Foundation
import SignalRoomConnectors
import SignalRoomCore
import SignalRoomHTTP
import SignalRoomFiles
import SignalRoomPipelines

/// The sources this build can sync and the configuration each one needs, read from the
/// environment (process environment over `.env`) once, when a source is built.
public struct SourceCatalog: Sendable {
    /// A variable as `signalroom sources` lists it: `purpose` is its help with its default.
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

    public init(
        environment: [String: String], now: @escaping @Sendable () -> Date = { Date() },
        httpRetries: (@Sendable (HTTPRetry) -> Void)? = nil
    ) {
        self.environment = environment
        self.now = now
        self.httpRetries = httpRetries
    }

    public static let names = ["everflow", "files", "redtrack", "s3"]

    /// The value set, else the descriptor's default.
    private func text(_ variable: EnvironmentVariable) -> String { variable.valueOrDefault(in: environment) }

    private var clientId: String { text(.clientId) }

    /// Each source with the variables `SourceVariables` lists for it, and whether they are set.
    public var entries: [Entry] {
        func variables(_ source: String) -> [Variable] {
            SourceVariables.of(source: source).map {
                Variable(name: $0.name, required: $0.isRequired, purpose: $0.summary, isSet: $0.isSet(in: environment))
            }
        }
        return [
            Entry(
                name: "everflow", dataset: text(.everflowDataset),
                description:
                    "Everflow affiliate stats per day, affiliate and advertiser; merged on (date, affiliate_id, advertiser_id), incremental on date through yesterday",
                resources: ["daily_stats"], variables: variables("everflow")),
            Entry(
                name: "files", dataset: text(.filesDataset),
                description:
                    "CSV and JSON Lines exports in a local directory: one table per sub-directory or file-name prefix, merged on (_file_name, _row_id), incremental on the file date",
                resources: ["one per sub-directory or file-name prefix"], variables: variables("files")),
            Entry(
                name: "redtrack", dataset: text(.redTrackDataset),
                description:
                    "RedTrack spend per day and traffic source, one request a day; merged on (date, source_id), incremental on date through yesterday",
                resources: ["daily_spend"], variables: variables("redtrack")),
            Entry(
                name: "s3", dataset: text(.s3Dataset),
                description: "CSV exports in S3, one table per prefix; merged on (_file_name, _row_id), incremental on the file date",
                resources: text(.s3Prefixes).split(separator: ",").map { ColumnName.normalize(String($0).trimmingCharacters(in: .whitespaces)) },
                variables: variables("s3")),
        ]
    }

    /// The source, configured from the environment; a missing or unusable variable is a
    /// configuration error naming it.
    public func source(named name: String) throws -> any Source {
        switch name {
        case "files":
            let directory = try required(.filesSourceDirectory, source: name)
            return FilesSource(
                name: name, dataset: text(.filesDataset),
                directory: URL(fileURLWithPath: directory).standardizedFileURL, clientId: clientId)
        case "everflow":
            let zone = try reportZone()
            guard let everflowZone = EverflowTimeZone(zone) else {
                throw SourceConfigurationError.invalidVariable(
                    variable: EnvironmentVariable.reportTimezone.name, value: zone.identifier,
                    expected: "a zone whose Everflow timezone_id is known: \(EverflowTimeZone.supported) (any other would query another zone's days)")
            }
            let advertisers = text(.everflowAdvertiserIds).split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var settings = EverflowSource.Settings(
                apiKey: try required(.everflowAPIKey, source: name),
                baseURL: try baseURL(.everflowBaseURL),
                reportZone: everflowZone, advertiserIds: advertisers,
                startDate: try startDate(.everflowStartDate), clientId: clientId)
            settings.pageSize = try positiveInteger(.everflowPageSize)
            settings.http = try httpConfiguration()
            return EverflowSource(name: name, dataset: text(.everflowDataset), settings: settings, now: now)
        case "redtrack":
            var settings = RedTrackSource.Settings(
                apiKey: try required(.redTrackAPIKey, source: name),
                baseURL: try baseURL(.redTrackBaseURL),
                startDate: try startDate(.redTrackStartDate), clientId: clientId)
            settings.timeZone = try reportZone()
            settings.pacing = try seconds(.redTrackPacingSeconds)
            settings.http = try httpConfiguration()
            return RedTrackSource(name: name, dataset: text(.redTrackDataset), settings: settings, now: now)
        case "s3":
            let bucket = try required(.s3BucketName, source: name)
            let prefixes = try required(.s3Prefixes, source: name)
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var settings = S3Client.Settings(
                bucket: bucket, region: text(.awsRegion),
                accessKeyId: try required(.awsAccessKeyId, source: name),
                secretAccessKey: try required(.awsSecretAccessKey, source: name),
                sessionToken: environment[.awsSessionToken],
                endpoint: try environment[.s3EndpointURL].map { _ in try baseURL(.s3EndpointURL) })
            settings.http = try httpConfiguration()
            return S3ExportsSource(
                name: name, dataset: text(.s3Dataset), client: S3Client(settings: settings),
                prefixes: prefixes, clientId: clientId)
        default:
            throw SourceConfigurationError.unknownSource(name: name, known: Self.names)
        }
    }

    // MARK: Reading settings

    private func required(_ variable: EnvironmentVariable, source: String) throws -> String {
        guard let text = environment[variable] else {
            throw SourceConfigurationError.missingVariable(source: source, variable: variable.name, purpose: variable.help)
        }
        return text
    }

    private func baseURL(_ variable: EnvironmentVariable) throws -> URL {
        let text = self.text(variable)
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            let example = variable.defaultValue.isEmpty ? "http://127.0.0.1:5000" : variable.defaultValue
            throw SourceConfigurationError.invalidVariable(variable: variable.name, value: text, expected: "an http(s) URL such as \(example)")
        }
        return url
    }

    private func reportZone() throws -> TimeZone {
        let name = text(.reportTimezone)
        guard let zone = TimeZone(identifier: name) else {
            throw SourceConfigurationError.invalidVariable(
                variable: EnvironmentVariable.reportTimezone.name, value: name,
                expected: "an IANA zone such as America/New_York")
        }
        return zone
    }

    private func startDate(_ variable: EnvironmentVariable) throws -> CivilDate {
        guard let text = environment[variable] else {
            return CivilDate.of(now(), in: (try? reportZone()) ?? TimeZone(identifier: "UTC")!).adding(days: -FirstSyncStart.daysBack)
        }
        guard let day = CivilDate(text) else {
            throw SourceConfigurationError.invalidVariable(variable: variable.name, value: text, expected: "a date as YYYY-MM-DD")
        }
        return day
    }

    private func positiveInteger(_ variable: EnvironmentVariable) throws -> Int {
        let text = self.text(variable)
        guard let number = Int(text), number > 0 else {
            throw SourceConfigurationError.invalidVariable(variable: variable.name, value: text, expected: "a whole number above 0")
        }
        return number
    }

    private func seconds(_ variable: EnvironmentVariable) throws -> Double {
        let text = self.text(variable)
        guard let number = Double(text), number >= 0, number.isFinite else {
            throw SourceConfigurationError.invalidVariable(variable: variable.name, value: text, expected: "seconds, 0 or more (e.g. 0.5)")
        }
        return number
    }

    /// The HTTP settings (`HTTPVariables`), read in this one place for sources and channels.
    func httpConfiguration() throws -> ServiceClient.Configuration {
        var configuration = ServiceClient.Configuration()
        configuration.initialDelay = try seconds(.httpRetryInitialSeconds)
        configuration.connectTimeout = try seconds(.httpConnectTimeoutSeconds)
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

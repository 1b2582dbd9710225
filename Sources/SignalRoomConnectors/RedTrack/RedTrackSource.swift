import Foundation
import SignalRoomCore
import SignalRoomHTTP
import SignalRoomPipelines

/// RedTrack's spend by traffic source: one resource, `daily_spend`, one GET per day.
public struct RedTrackSource: Source {
    public struct Settings: Sendable {
        public var apiKey: String
        public var baseURL: URL
        public var timeZone: TimeZone = TimeZone(identifier: "America/New_York")!
        /// Pause between day requests: RedTrack rate-limits (429) bursts.
        public var pacing: Double = Settings.defaultPacing
        public static let defaultPacing = 1.0
        public var startDate: CivilDate
        public var clientId: String
        public var http: ServiceClient.Configuration = .init()

        public init(apiKey: String, baseURL: URL, startDate: CivilDate, clientId: String) {
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.startDate = startDate
            self.clientId = clientId
        }
    }

    public let name: String
    public let dataset: String
    public let settings: Settings
    public let now: @Sendable () -> Date

    public init(name: String = "redtrack", dataset: String = "redtrack", settings: Settings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.dataset = dataset
        self.settings = settings
        self.now = now
    }

    public func resources() async throws -> [any Resource] {
        [RedTrackDailySpend(settings: settings, now: now)]
    }
}

/// `redtrack.daily_spend`, merged on (date, source_id), incremental on `date`. Each day is
/// committed as it finishes (resume token `day:<date>`), so a long backfill that crashes
/// or times out carries on with the next day.
struct RedTrackDailySpend: Resource {
    let settings: RedTrackSource.Settings
    let now: @Sendable () -> Date

    var name: String { "daily_spend" }
    var table: String { "daily_spend" }
    var writeDisposition: WriteDisposition { .merge(primaryKey: ["date", "source_id"]) }
    var incremental: IncrementalCursor? { IncrementalCursor(field: "date", initialValue: settings.startDate.description) }

    static let fields = ["date", "source_id", "source_name", "source_alias", "clicks", "conversions", "cost", "_client_id"]

    func days(_ request: ExtractRequest) -> [CivilDate] {
        let window = request.dayWindow(startingAt: settings.startDate, in: settings.timeZone, now: now())
        var from = window.from
        if let token = request.resumeToken, token.hasPrefix("day:"), let done = CivilDate(String(token.dropFirst(4))), done >= from {
            from = done.adding(days: 1)
        }
        return CivilDate.range(from, through: window.to)
    }

    func plan(_ request: ExtractRequest) async throws -> [String] {
        let days = days(request)
        guard let first = days.first, let last = days.last else { return ["nothing: no complete day after the cursor"] }
        return [
            "GET \(settings.baseURL.absoluteString)/report for \(days.count) day\(days.count == 1 ? "" : "s"), \(first) to \(last), \(settings.pacing) s apart"
        ]
    }

    func extract(_ request: ExtractRequest, into sink: any RowSink) async throws {
        let client = ServiceClient(service: "RedTrack", secrets: [settings.apiKey], configuration: settings.http)
        for (index, day) in days(request).enumerated() {
            try Task.checkCancellation()
            if index > 0, settings.pacing > 0 { try await Task.sleep(for: .milliseconds(Int(settings.pacing * 1000))) }
            let request = reportRequest(day)
            let response = try await client.send(request, keyedBy: EnvironmentVariable.redTrackAPIKey.name)
            sink.didRead(bytes: response.body.count)
            guard let entries = try client.json(response, from: request) as? [Any] else {
                throw ConnectorError.unexpectedShape(
                    service: "RedTrack", url: client.masked(request.url.absoluteString),
                    expected: "a JSON array of sources", excerpt: client.excerpt(response.body))
            }
            var batch = RowBatch(fields: Self.fields)
            var skipped = 0
            for (offset, entry) in entries.enumerated() {
                guard let row = try self.row(entry, day: day, location: "\(day) row \(offset + 1)") else { skipped += 1; continue }
                batch.rows.append(row)
            }
            if skipped > 0 { sink.didSkip(rows: skipped) }
            try await sink.write(batch, resumeToken: nil)
            sink.advanceCursor(to: day.description)
            try await sink.commit(resumeToken: "day:\(day)")
        }
    }

    private func reportRequest(_ day: CivilDate) -> HTTPRequest {
        var components = URLComponents(url: settings.baseURL.appendingPathComponent("report"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "api_key", value: settings.apiKey),
            URLQueryItem(name: "date_from", value: day.description), URLQueryItem(name: "date_to", value: day.description),
            URLQueryItem(name: "timezone", value: settings.timeZone.identifier), URLQueryItem(name: "group", value: "source"),
            URLQueryItem(name: "sortby", value: "clicks"), URLQueryItem(name: "direction", value: "desc"),
        ]
        return HTTPRequest(url: components.url!, headers: ["Accept": "application/json"], timeout: 60)
    }

    /// One source's row, or nil for a row without `source_id` (skipped and counted).
    func row(_ entry: Any, day: CivilDate, location: String) throws -> [FieldValue]? {
        guard let entry = entry as? [String: Any] else {
            throw ConnectorError.unexpectedValue(
                service: "RedTrack", location: location, field: "(row)",
                value: String(describing: entry).prefix(60).description, expected: "an object")
        }
        guard let sourceId = LooseIdentifier.text(entry["source_id"]) else { return nil }
        func count(_ field: String) throws -> FieldValue {
            guard let value = LooseNumber(entry[field]).integer else {
                throw ConnectorError.unexpectedValue(
                    service: "RedTrack", location: location, field: field,
                    value: LooseNumber(entry[field]).text, expected: "a whole number, a number in a string, or null")
            }
            return .int(value)
        }
        guard let cost = LooseNumber(entry["cost"]).double else {
            throw ConnectorError.unexpectedValue(
                service: "RedTrack", location: location, field: "cost",
                value: LooseNumber(entry["cost"]).text, expected: "a number, a number in a string, or null")
        }
        func text(_ field: String) -> FieldValue { (entry[field] as? String).map(FieldValue.text) ?? .null }
        // `conversions` only: `total_conversions` counts other conversion types too.
        return [
            .date(day.description), .text(sourceId), text("source"), text("source_alias"),
            try count("clicks"), try count("conversions"), .double(cost), .text(settings.clientId),
        ]
    }
}

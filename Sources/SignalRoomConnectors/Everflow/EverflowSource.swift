import Foundation
import SignalRoomCore
import SignalRoomHTTP
import SignalRoomPipelines

/// Everflow's affiliate reporting: one resource, `daily_stats`, per day, affiliate and
/// advertiser (see `../shared/reference/apis.md`).
public struct EverflowSource: Source {
    public struct Settings: Sendable {
        public var apiKey: String
        public var baseURL: URL
        /// The report's zone, by Everflow's id and by name (no default here: the caller's one
        /// `REPORT_TIMEZONE` decides).
        public var reportZone: EverflowTimeZone
        public var timezoneId: Int { reportZone.id }
        public var timeZone: TimeZone { reportZone.zone }
        /// Advertisers kept (the server-side filter is only a hint); empty keeps all. No
        /// default here: the caller's one `EVERFLOW_ADVERTISER_IDS` default decides.
        public var advertiserIds: [String]
        public var pageSize: Int = Settings.defaultPageSize
        /// Everflow's largest page: fewest requests for a day of stats.
        public static let defaultPageSize = 10_000
        /// The first day read when there is no cursor yet.
        public var startDate: CivilDate
        public var clientId: String
        public var http: ServiceClient.Configuration = .init()

        public init(apiKey: String, baseURL: URL, reportZone: EverflowTimeZone, advertiserIds: [String], startDate: CivilDate, clientId: String) {
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.reportZone = reportZone
            self.advertiserIds = advertiserIds
            self.startDate = startDate
            self.clientId = clientId
        }
    }

    public let name: String
    public let dataset: String
    public let settings: Settings
    /// "Now", for the last complete day; a parameter so tests and backfills can pin it.
    public let now: @Sendable () -> Date

    public init(name: String = "everflow", dataset: String = "everflow", settings: Settings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.dataset = dataset
        self.settings = settings
        self.now = now
    }

    public func resources() async throws -> [any Resource] {
        [EverflowDailyStats(settings: settings, now: now)]
    }
}

/// `everflow.daily_stats`: one entity-table report per date range, paged until a short
/// page, merged on (date, affiliate_id, advertiser_id), incremental on `date` through
/// yesterday in the report's zone.
///
/// Resume tokens are `<from>|<to>|<page>`: the last page committed of that range.
struct EverflowDailyStats: Resource {
    let settings: EverflowSource.Settings
    let now: @Sendable () -> Date

    var name: String { "daily_stats" }
    var table: String { "daily_stats" }
    var writeDisposition: WriteDisposition { .merge(primaryKey: ["date", "affiliate_id", "advertiser_id"]) }
    var incremental: IncrementalCursor? { IncrementalCursor(field: "date", initialValue: settings.startDate.description) }

    static let fields = [
        "date", "affiliate_id", "affiliate_label", "advertiser_id", "advertiser_label",
        "clicks", "conversions", "revenue", "payout", "profit", "_client_id",
    ]

    func range(_ request: ExtractRequest) -> (from: CivilDate, to: CivilDate) {
        request.dayWindow(startingAt: settings.startDate, in: settings.timeZone, now: now())
    }

    func plan(_ request: ExtractRequest) async throws -> [String] {
        let (from, to) = range(request)
        if from > to { return ["nothing: \(from) is after the last complete day \(to)"] }
        return [
            "POST \(settings.baseURL.absoluteString)/v1/networks/reporting/entity/table from \(from) to \(to) "
                + "(timezone_id \(settings.timezoneId), \(settings.timeZone.identifier)), \(settings.pageSize) rows a page"
                + (settings.advertiserIds.isEmpty ? "" : ", advertisers \(settings.advertiserIds.joined(separator: ", "))")
        ]
    }

    func extract(_ request: ExtractRequest, into sink: any RowSink) async throws {
        let (from, to) = range(request)
        guard from <= to else { return }
        var page = 1
        if let token = request.resumeToken {
            let parts = token.split(separator: "|").map(String.init)
            if parts.count == 3, parts[0] == from.description, parts[1] == to.description, let done = Int(parts[2]) {
                page = done + 1
            }
        }
        let client = ServiceClient(service: "Everflow", secrets: [settings.apiKey], configuration: settings.http)
        let keep = Set(settings.advertiserIds)
        while true {
            try Task.checkCancellation()
            let request = try reportRequest(from: from, to: to, page: page)
            let response = try await client.send(request, keyedBy: EnvironmentVariable.everflowAPIKey.name)
            sink.didRead(bytes: response.body.count)
            let entries = try tableEntries(try client.json(response, from: request), client: client, url: request.url)
            var batch = RowBatch(fields: Self.fields)
            var skipped = 0
            for (offset, entry) in entries.enumerated() {
                let (row, advertiser) = try self.row(entry, location: "page \(page) row \(offset + 1)")
                if !keep.isEmpty, !keep.contains(advertiser) { skipped += 1; continue }
                batch.rows.append(row)
            }
            if skipped > 0 { sink.didSkip(rows: skipped) }
            try await sink.write(batch, resumeToken: "\(from)|\(to)|\(page)")
            if entries.count < settings.pageSize { break }
            page += 1
        }
        // A range with no rows is still done: the cursor moves to its last day.
        sink.advanceCursor(to: to.description)
        try await sink.commit(resumeToken: "\(from)|\(to)|\(page)")
    }

    private func reportRequest(from: CivilDate, to: CivilDate, page: Int) throws -> HTTPRequest {
        var query: [String: Any] = ["page": page, "limit": settings.pageSize]
        query["filters"] = settings.advertiserIds.map { id -> [String: Any] in ["advertiser_id": Int(id) ?? id] }
        let body: [String: Any] = [
            "from": from.description, "to": to.description, "timezone_id": settings.timezoneId, "currency_id": "USD",
            "columns": [["column": "affiliate"], ["column": "advertiser"], ["column": "date"]],
            "query": query,
        ]
        return HTTPRequest(
            method: "POST", url: settings.baseURL.appendingPathComponent("v1/networks/reporting/entity/table"),
            headers: ["X-Eflow-API-Key": settings.apiKey, "Content-Type": "application/json", "Accept": "application/json"],
            body: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), timeout: 120)
    }

    private func tableEntries(_ json: Any, client: ServiceClient, url: URL) throws -> [[String: Any]] {
        guard let object = json as? [String: Any], let table = object["table"] as? [Any] else {
            throw ConnectorError.unexpectedShape(
                service: "Everflow", url: client.masked(url.absoluteString),
                expected: "an object with a \"table\" array", excerpt: client.excerpt(Data(String(describing: json).utf8)))
        }
        return try table.enumerated().map { index, entry in
            guard let entry = entry as? [String: Any] else {
                throw ConnectorError.unexpectedValue(
                    service: "Everflow", location: "table row \(index + 1)", field: "(row)",
                    value: String(describing: entry).prefix(60).description, expected: "an object")
            }
            return entry
        }
    }

    /// One report row as fields in `fields` order, and its advertiser id.
    func row(_ entry: [String: Any], location: String) throws -> ([FieldValue], advertiser: String) {
        var ids: [String: (id: String?, label: String?)] = [:]
        for column in entry["columns"] as? [[String: Any]] ?? [] {
            guard let type = column["column_type"] as? String else { continue }
            ids[type] = (LooseIdentifier.text(column["id"]), column["label"] as? String)
        }
        func id(_ type: String) throws -> String {
            guard let value = ids[type]?.id else {
                throw ConnectorError.unexpectedValue(
                    service: "Everflow", location: location, field: "columns[\(type)].id",
                    value: "missing", expected: "the \(type)'s id")
            }
            return value
        }
        let dateId = try id("date")
        guard let day = Self.day(ofDateId: dateId, in: settings.timeZone) else {
            throw ConnectorError.unexpectedValue(
                service: "Everflow", location: location, field: "columns[date].id", value: dateId,
                expected: "the Unix time of a midnight in UTC or \(settings.timeZone.identifier)")
        }
        let reporting = entry["reporting"] as? [String: Any] ?? [:]
        func count(_ field: String) throws -> FieldValue {
            guard let value = LooseNumber(reporting[field]).integer else {
                throw ConnectorError.unexpectedValue(
                    service: "Everflow", location: location, field: "reporting.\(field)",
                    value: LooseNumber(reporting[field]).text, expected: "a whole number")
            }
            return .int(value)
        }
        func amount(_ field: String) throws -> FieldValue {
            guard let value = LooseNumber(reporting[field]).double else {
                throw ConnectorError.unexpectedValue(
                    service: "Everflow", location: location, field: "reporting.\(field)",
                    value: LooseNumber(reporting[field]).text, expected: "a number")
            }
            return .double(value)
        }
        func label(_ type: String) -> FieldValue { ids[type]?.label.map(FieldValue.text) ?? .null }
        let advertiser = try id("advertiser")
        return (
            [
                .date(day.description),
                TextInference.value(of: try id("affiliate")), label("affiliate"),
                TextInference.value(of: advertiser), label("advertiser"),
                try count("total_click"), try count("cv"), try amount("revenue"), try amount("payout"), try amount("profit"),
                .text(settings.clientId),
            ], advertiser
        )
    }

    /// The day whose midnight, in UTC or in the report's zone, is `id` (Unix seconds).
    static func day(ofDateId id: String, in zone: TimeZone) -> CivilDate? {
        guard let seconds = Int(id) else { return nil }
        if seconds % 86_400 == 0 { return CivilDate(daysSince1970: seconds / 86_400) }
        let date = Date(timeIntervalSince1970: Double(seconds))
        let local = CivilDate.of(date, in: zone)
        let offset = zone.secondsFromGMT(for: date)
        return (seconds + offset) % 86_400 == 0 ? local : nil
    }
}

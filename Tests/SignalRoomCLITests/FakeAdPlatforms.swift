import Foundation

/// Everflow's entity-table report as `../shared/reference/apis.md` documents it: POST with
/// `X-Eflow-API-Key`, 1-based pages, ids as strings, the date column's id a Unix midnight,
/// and an advertiser filter that the server does not apply (clients must).
final class FakeEverflow: @unchecked Sendable {
    static let key = "ef-test-key-5b2d9c"

    struct Stat {
        var day: String
        var affiliateId: String
        var affiliateLabel: String
        var advertiserId: String
        var clicks: Int
        var conversions: Int
        var revenue: Double
        var payout: Double
        /// Send the date id as midnight in New York instead of UTC (both are documented).
        var zoneMidnight = false
    }

    private let lock = NSLock()
    private var stats: [Stat]
    private var faults: [LoopbackHTTPServer.Reply]
    private(set) var rejected: [String] = []

    init(stats: [Stat], faults: [LoopbackHTTPServer.Reply] = []) {
        self.stats = stats
        self.faults = faults
    }

    func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Reply {
        lock.withLock {
            guard request.method == "POST", request.path == "/v1/networks/reporting/entity/table" else {
                return .json(["error": "not found"], status: 404)
            }
            guard request.headers["x-eflow-api-key"] == Self.key else {
                return .json(["error": "Invalid API key"], status: 401)
            }
            if !faults.isEmpty { return faults.removeFirst() }
            guard let body = request.json, let from = body["from"] as? String, let to = body["to"] as? String,
                body["timezone_id"] as? Int == 80, body["currency_id"] as? String == "USD",
                let columns = body["columns"] as? [[String: String]],
                columns.map({ $0["column"] ?? "" }) == ["affiliate", "advertiser", "date"],
                let query = body["query"] as? [String: Any], let page = query["page"] as? Int, page >= 1,
                let limit = query["limit"] as? Int, limit >= 1
            else {
                rejected.append(String(decoding: request.body, as: UTF8.self))
                return .json(["error": "bad request body"], status: 400)
            }
            let selected = stats.filter { $0.day >= from && $0.day <= to }
                .sorted { ($0.day, $0.affiliateId, $0.advertiserId) < ($1.day, $1.affiliateId, $1.advertiserId) }
            let pageRows = selected.dropFirst((page - 1) * limit).prefix(limit)
            return .json(["table": pageRows.map(Self.entry)])
        }
    }

    static func midnight(_ day: String, zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = day.split(separator: "-").map { Int($0)! }
        return Int(calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!.timeIntervalSince1970)
    }

    private static func entry(_ stat: Stat) -> [String: Any] {
        let zone = stat.zoneMidnight ? TimeZone(identifier: "America/New_York")! : TimeZone(identifier: "UTC")!
        return [
            "columns": [
                ["column_type": "affiliate", "id": stat.affiliateId, "label": stat.affiliateLabel],
                ["column_type": "advertiser", "id": stat.advertiserId, "label": stat.advertiserId == "1" ? "CCW" : "EXP"],
                ["column_type": "date", "id": String(midnight(stat.day, zone: zone))],
            ],
            "reporting": [
                "total_click": stat.clicks, "cv": stat.conversions, "revenue": stat.revenue,
                "payout": stat.payout, "profit": stat.revenue - stat.payout,
            ],
        ]
    }
}

/// RedTrack's report endpoint: GET with `api_key`, one day per request, numbers that may be
/// strings or null, and rows without a `source_id`.
final class FakeRedTrack: @unchecked Sendable {
    static let key = "rt-test-key-77e1a0"

    private let lock = NSLock()
    private let days: Set<String>
    private var faults: [LoopbackHTTPServer.Reply]

    init(days: [String], faults: [LoopbackHTTPServer.Reply] = []) {
        self.days = Set(days)
        self.faults = faults
    }

    func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Reply {
        lock.withLock {
            guard request.method == "GET", request.path == "/report" else { return .json(["error": "not found"], status: 404) }
            guard request.query["api_key"] == Self.key else { return .json(["error": "unauthorized"], status: 401) }
            if !faults.isEmpty { return faults.removeFirst() }
            guard let from = request.query["date_from"], request.query["date_to"] == from, request.query["group"] == "source",
                request.query["timezone"] == "America/New_York"
            else {
                return .json(["error": "bad parameters"], status: 400)
            }
            guard days.contains(from) else { return .json([] as [Any]) }
            return .json(Self.rows(for: from))
        }
    }

    /// Per day: two real sources (one with string numbers and a null), and two rows that
    /// must be skipped (no `source_id`, and an empty one).
    static func rows(for day: String) -> [[String: Any]] {
        let dayNumber = Int(day.suffix(2))!
        return [
            [
                "source_id": "66c7a1", "source": "Facebook CCW", "source_alias": "facebook", "clicks": 1000 + dayNumber,
                "conversions": 40 + dayNumber, "total_conversions": 99, "cost": 7825.5,
            ],
            [
                "source_id": "77d8b2", "source": "Google CCW", "source_alias": "google", "clicks": "\(500 + dayNumber)",
                "conversions": NSNull(), "cost": "120.25",
            ],
            ["source": "Unattributed", "clicks": 3, "conversions": 0, "cost": 0],
            ["source_id": "", "source": "Empty", "clicks": 1, "conversions": 0, "cost": 0],
        ]
    }
}

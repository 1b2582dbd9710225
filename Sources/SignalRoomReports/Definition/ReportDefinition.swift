import Foundation
import SignalRoomPipelines

/// A report as files under `reports/<name>/`:
///
/// - `report.json` (format version 1): `description`, `timezone` (for "yesterday"),
///   `params` (each `name`, `type` date|integer|number|text|json, `default`, `description`),
///   `queries` (each `name` and `returns` row|rows), `channels` (slack, email, sms) and
///   `email_subject` (a template);
/// - `<query>.sql`, with `<query>.postgres.sql` or `<query>.sqlite.sql` where the dialects
///   truly differ; parameters are `:name`, always bound, never spliced into the text;
/// - `<channel>.stencil` for each channel (`stdout.stencil` optional: stdout renders the
///   Slack text otherwise).
public struct ReportDefinition: Sendable {
    public enum ParameterType: String, Sendable, Codable { case date, integer, number, text, json }

    public struct Parameter: Sendable {
        public var name: String
        public var type: ParameterType
        public var defaultValue: String?
        public var description: String
    }

    public enum Returns: String, Sendable { case row, rows }

    public struct Query: Sendable {
        public var name: String
        public var returns: Returns
        public var sql: [SQLDialect: String]
        public var file: String
    }

    public var name: String
    /// The report's own files (`reports/<name>/`), on disk or built in.
    public var files: ProjectFiles
    public var description: String
    public var timeZone: TimeZone
    public var parameters: [Parameter]
    public var queries: [Query]
    public var channels: [String]
    public var emailSubject: String?

    public static let channelsKnown = ["slack", "email", "sms"]

    public static func load(name: String, files: ProjectFiles) throws -> ReportDefinition {
        let display = "reports/\(name)/report.json"
        guard let bytes = files.bytes("report.json") else { throw ReportError.missingFile(report: name, file: display) }
        let data = Data(bytes)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReportError.invalidDefinition(file: display, reason: "not a JSON object")
        }
        let known: Set<String> = ["version", "description", "timezone", "params", "queries", "channels", "email_subject"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ReportError.invalidDefinition(
                file: display, reason: "unknown field \"\(unknown)\"; fields: \(known.sorted().joined(separator: ", "))")
        }
        guard object["version"] as? Int == 1 else {
            throw ReportError.invalidDefinition(file: display, reason: "\"version\" must be 1 (this build reads report format version 1)")
        }
        let zoneName = object["timezone"] as? String ?? "America/New_York"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ReportError.invalidDefinition(file: display, reason: "timezone \"\(zoneName)\" is not an IANA zone")
        }
        var parameters: [Parameter] = []
        for (index, entry) in ((object["params"] as? [[String: Any]]) ?? []).enumerated() {
            guard let parameterName = entry["name"] as? String, !parameterName.isEmpty else {
                throw ReportError.invalidDefinition(file: display, reason: "params[\(index)] has no name")
            }
            guard let type = ParameterType(rawValue: entry["type"] as? String ?? "text") else {
                throw ReportError.invalidDefinition(
                    file: display, reason: "params[\(index)] (\(parameterName)): type must be date, integer, number, text or json")
            }
            let fallback = entry["default"].map { value -> String in
                if let text = value as? String { return text }
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                    return String(decoding: data, as: UTF8.self)
                }
                return "\(value)"
            }
            parameters.append(Parameter(name: parameterName, type: type, defaultValue: fallback, description: entry["description"] as? String ?? ""))
        }
        var queries: [Query] = []
        for (index, entry) in ((object["queries"] as? [[String: Any]]) ?? []).enumerated() {
            guard let queryName = entry["name"] as? String, !queryName.isEmpty,
                queryName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else {
                throw ReportError.invalidDefinition(file: display, reason: "queries[\(index)] needs a name of letters, digits and _")
            }
            guard let returns = Returns(rawValue: entry["returns"] as? String ?? "rows") else {
                throw ReportError.invalidDefinition(file: display, reason: "queries[\(index)] (\(queryName)): returns must be row or rows")
            }
            var sql: [SQLDialect: String] = [:]
            let common = files.text("\(queryName).sql")
            for dialect in SQLDialect.allCases {
                sql[dialect] = files.text("\(queryName).\(dialect.rawValue).sql") ?? common
                if sql[dialect] == nil { throw ReportError.missingFile(report: name, file: "reports/\(name)/\(queryName).sql") }
            }
            queries.append(Query(name: queryName, returns: returns, sql: sql, file: "reports/\(name)/\(queryName).sql"))
        }
        let channels = object["channels"] as? [String] ?? []
        if let unknown = channels.first(where: { !channelsKnown.contains($0) }) {
            throw ReportError.invalidDefinition(file: display, reason: "channel \"\(unknown)\" is not one of slack, email, sms")
        }
        for channel in channels where !files.contains("\(channel).stencil") {
            throw ReportError.missingFile(report: name, file: "reports/\(name)/\(channel).stencil")
        }
        return ReportDefinition(
            name: name, files: files, description: object["description"] as? String ?? "", timeZone: zone,
            parameters: parameters, queries: queries, channels: channels, emailSubject: object["email_subject"] as? String)
    }

    /// The template a channel renders with: its text (nil when the file is missing or not
    /// UTF-8) and the name errors give it.
    public func template(for channel: String) throws -> (text: String?, display: String) {
        var file = "\(channel).stencil"
        if channel == "stdout" {
            if !files.contains(file) {
                guard let first = channels.first else { throw ReportError.missingFile(report: name, file: "reports/\(name)/\(file)") }
                file = "\(first).stencil"
            }
        } else if !channels.contains(channel) {
            throw ReportError.unknownChannel(report: name, channel: channel, channels: channels)
        }
        return (files.text(file), "reports/\(name)/\(file)")
    }
}

import Foundation
import SignalRoomPipelines
import Stencil

/// A report rendered for one channel.
public struct RenderedReport: Sendable, Codable, Equatable {
    public var report: String
    public var channel: String
    /// The e-mail subject; nil for other channels.
    public var subject: String?
    public var text: String

    public init(report: String, channel: String, subject: String?, text: String) {
        self.report = report
        self.channel = channel
        self.subject = subject
        self.text = text
    }
}

/// Runs a report's queries with bound parameters and renders its channel's template.
///
/// What templates see: every parameter by name; every query's rows as a list under the
/// query's name, and for a query that `returns: row`, that one row as an object under its
/// name (an empty object when there is no row, so an empty day renders zeros) and the list
/// as `<name>_rows`. A NULL is absent (the filters format it as zero). Every text value is
/// escaped for the channel (`ChannelEscaping`): templates write markup, values are text.
public struct ReportRenderer: Sendable {
    public init() {}

    public func render(
        _ report: ReportDefinition, channel: String, parameters: ReportParameters,
        session: (any WarehouseSession)?
    ) async throws -> RenderedReport {
        let template = try report.template(for: channel)
        var context: [String: Any] = parameters.context
        context["report"] = report.name
        for query in report.queries {
            guard let session else { throw ReportError.query(report: report.name, query: query.name, reason: "no warehouse to query") }
            let rows: [[String: Any]]
            do {
                let result = try await session.query(query.sql[session.dialect]!, parameters: parameters.bound)
                rows = result.rows.map { values in
                    var row: [String: Any] = [:]
                    for (column, value) in zip(result.columns, values) { row[column] = Self.templateValue(value) }
                    return row
                }
            } catch let error as QueryError {
                throw ReportError.query(
                    report: report.name, query: query.name,
                    reason: "\(error) (\(query.file)); a missing table means its source was never synced")
            }
            switch query.returns {
            case .row:
                context[query.name] = rows.first ?? [:]
                context["\(query.name)_rows"] = rows
            case .rows:
                context[query.name] = rows
            }
        }
        guard let text = template.text else {
            throw ReportError.missingFile(report: report.name, file: template.display)
        }
        let escaped = context.mapValues { ChannelEscaping.escaped($0, for: channel) as Any }
        let body = try Self.render(text, name: template.display, context: escaped)
        var subject: String? = nil
        // The subject is a plain header, not HTML: it gets the values as they are.
        if channel == "email" {
            subject = try Self.render(
                report.emailSubject ?? "\(report.name) {{ date }}", name: "reports/\(report.name)/report.json email_subject",
                context: context
            ).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return RenderedReport(report: report.name, channel: channel, subject: subject, text: body)
    }

    static func render(_ text: String, name: String, context: [String: Any]) throws -> String {
        let environment = Environment(extensions: [ReportFilters.makeExtension()], trimBehaviour: .smart)
        let template = Template(templateString: text, environment: environment, name: name)
        do {
            return try template.render(context)
        } catch let error as TemplateSyntaxError {
            throw ReportError.template(file: name, line: error.token.map { Int($0.sourceMap.location.lineNumber) }, reason: error.reason)
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError.template(file: name, line: nil, reason: "\(error)")
        }
    }

    static func templateValue(_ value: QueryValue) -> Any? {
        switch value {
        case .null: nil
        case .bool(let flag): flag
        case .int(let number): Int(number)
        case .double(let number): number
        case .text(let text): text
        }
    }
}

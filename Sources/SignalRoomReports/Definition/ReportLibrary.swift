import Foundation
import SignalRoomCore
import SignalRoomPipelines

/// The reports of a project (`reports/` in the working directory, `SIGNALROOM_REPORTS_DIR`,
/// or the ones built in), one sub-directory each.
public struct ReportLibrary: Sendable {
    public let files: ProjectFiles

    public init(files: ProjectFiles) {
        self.files = files
    }

    public init(directory: URL) {
        self.init(files: .directory(directory))
    }

    public var names: [String] {
        files.entries().filter { files.contains("\($0)/report.json") }
    }

    public func report(named name: String) throws -> ReportDefinition {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), names.contains(name) else {
            throw ReportError.unknownReport(name: name, directory: files.origin, known: names)
        }
        return try ReportDefinition.load(name: name, files: files.subdirectory(name))
    }
}

/// A report's parameters with the given values checked against their declared types and
/// the defaults filled in.
public struct ReportParameters: Sendable {
    /// What queries bind (dates and text as text, numbers as numbers).
    public var bound: [String: QueryValue]
    /// What templates see (a `json` parameter as its parsed object).
    public var context: [String: any Sendable]

    /// `given` are `--param k=v` values (and the CLI's `--date`); `now` decides what
    /// "yesterday" and "today" mean in the report's zone.
    public init(resolving given: [String: String], for report: ReportDefinition, now: Date) throws {
        let known = report.parameters.map(\.name)
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) {
            throw ReportError.unknownParameter(report: report.name, name: unknown, known: known)
        }
        bound = [:]
        context = [:]
        for parameter in report.parameters {
            guard let text = given[parameter.name] ?? parameter.defaultValue else {
                throw ReportError.invalidParameter(report: report.name, name: parameter.name, value: "", expected: "a value (it has no default)")
            }
            func invalid(_ expected: String) -> ReportError {
                ReportError.invalidParameter(report: report.name, name: parameter.name, value: text, expected: expected)
            }
            switch parameter.type {
            case .date:
                guard let day = Self.day(text, zone: report.timeZone, now: now) else { throw invalid("a date as YYYY-MM-DD, yesterday or today") }
                bound[parameter.name] = .text(day)
                context[parameter.name] = day
            case .integer:
                guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else { throw invalid("a whole number") }
                bound[parameter.name] = .int(number)
                context[parameter.name] = Int(number)
            case .number:
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else { throw invalid("a number") }
                bound[parameter.name] = .double(number)
                context[parameter.name] = number
            case .text:
                bound[parameter.name] = .text(text)
                context[parameter.name] = text
            case .json:
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
                    throw invalid("JSON (e.g. {\"source\": \"everflow\"})")
                }
                bound[parameter.name] = .text(text)
                context[parameter.name] = TemplateValue.sendable(object)
            }
        }
    }

    /// `YYYY-MM-DD`, or `yesterday`/`today` in the report's zone.
    static func day(_ text: String, zone: TimeZone, now: Date) -> String? {
        switch text.lowercased() {
        case "yesterday": CivilDate.of(now, in: zone).adding(days: -1).description
        case "today": CivilDate.of(now, in: zone).description
        default: CivilDate(text)?.description
        }
    }
}

/// Values as templates receive them: plain Swift values, JSON objects as dictionaries.
enum TemplateValue {
    static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let dictionary as [String: Any]: return dictionary.mapValues(sendable) as [String: any Sendable]
        case let array as [Any]: return array.map(sendable) as [any Sendable]
        case let text as String: return text
        case let number as NSNumber:
            return number.doubleValue == number.doubleValue.rounded() && abs(number.doubleValue) < 9e15 ? Int(number.int64Value) : number.doubleValue
        default: return "\(value)"
        }
    }
}

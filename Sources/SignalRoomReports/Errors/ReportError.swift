import SignalRoomCore
import SignalRoomPipelines

/// What is wrong with a report, its parameters, its files or its channel, said so the user
/// can fix it. None of these is cured by retrying.
public enum ReportError: RetryClassifiedError, Equatable {
    case unknownReport(name: String, directory: String, known: [String])
    case invalidDefinition(file: String, reason: String)
    case unknownChannel(report: String, channel: String, channels: [String])
    case unknownParameter(report: String, name: String, known: [String])
    case invalidParameter(report: String, name: String, value: String, expected: String)
    case missingFile(report: String, file: String)
    case template(file: String, line: Int?, reason: String)
    case query(report: String, query: String, reason: String)
    case invalidModel(file: String, reason: String)
    case missingSetting(channel: String, variable: String, purpose: String)

    public var isRetryable: Bool { false }
    public var failureType: String {
        switch self {
        case .missingSetting: "ConfigurationError"
        default: "InvalidInput"
        }
    }

    public var description: String {
        switch self {
        case .unknownReport(let name, let directory, let known):
            "no report \"\(name)\" in \(directory); reports: \(known.isEmpty ? "none" : known.joined(separator: ", ")) (`signalroom reports` lists them)"
        case .invalidDefinition(let file, let reason):
            "\(file): \(reason)"
        case .unknownChannel(let report, let channel, let channels):
            "report \(report) has no \(channel) channel; it has: \(channels.joined(separator: ", ")) (and stdout)"
        case .unknownParameter(let report, let name, let known):
            "report \(report) has no parameter \"\(name)\"; its parameters: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case .invalidParameter(let report, let name, let value, let expected):
            "report \(report): parameter \(name) is \"\(value)\"; expected \(expected)"
        case .missingFile(let report, let file):
            "report \(report) needs \(file), which does not exist"
        case .template(let file, let line, let reason):
            "template \(file)\(line.map { " line \($0)" } ?? ""): \(reason)"
        case .query(let report, let query, let reason):
            "report \(report), query \(query): \(reason)"
        case .invalidModel(let file, let reason):
            "model \(file): \(reason)"
        case .missingSetting(let channel, let variable, let purpose):
            "the \(channel) channel needs \(variable) (\(purpose)); set it in the environment or in .env"
        }
    }
}

import Foundation
import SignalRoomCore
import SignalRoomEngine

/// Results go to stdout: readable text for people, or one JSON document with `--json`.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        print(try jsonText(value))
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func time(_ date: Date?) -> String {
        date.map(Timestamp.format) ?? "-"
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }

    /// Left-aligned columns for tables.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// How a finished execution is reported: the same shape for `start`, `resume`, `cancel`.
struct OutcomeReport: Encodable {
    var workflowId: String
    var runId: String
    var status: String
    var result: JSONValue?
    var failure: Failure?
    var wakeUpTime: Date?
    var terminateReason: String?

    init(run: RunReference, outcome: RunOutcome) {
        workflowId = run.workflowId
        runId = run.runId
        switch outcome {
        case .completed(let value): status = "completed"; result = value
        case .failed(let value): status = "failed"; failure = value
        case .canceled: status = "canceled"
        case .terminated(let reason): status = "terminated"; terminateReason = reason
        case .parked(let time): status = "parked"; wakeUpTime = time
        }
    }

    var exitStatus: ExitStatus {
        switch status {
        case "completed": .success
        case "parked": .parked
        default: .workflowUnsuccessful
        }
    }

    /// The failure in one line, like every error: its message and, when the root cause is
    /// another error, that cause's type (and its message, unless the first already says it).
    var failureText: String {
        guard let failure else { return "unknown failure" }
        let root = failure.rootCause
        guard root != failure else { return failure.message }
        return failure.message.contains(root.message)
            ? "\(failure.message) [\(root.type)]" : "\(failure.message) (cause \(root.type): \(root.message))"
    }

    /// Prints the report and returns the exit code it stands for.
    func emit(json: Bool) throws -> ExitStatus {
        if json {
            try Output.json(self)
            return exitStatus
        }
        let name = "workflow \(workflowId) (run \(runId))"
        switch status {
        case "completed":
            print("\(name) completed")
            if let result { print(Output.pretty(result)) }
        case "failed":
            FileHandle.standardError.write(Data("\(name) failed: \(failureText)\n".utf8))
        case "canceled":
            print("\(name) was cancelled")
        case "terminated":
            print("\(name) was terminated: \(terminateReason ?? "")")
        default:
            print("\(name) is parked until \(Output.time(wakeUpTime)); `signalroom workflow resume --due` (or run-due) carries it on")
        }
        return exitStatus
    }
}

extension Output {
    static func pretty(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? value.compactText
    }
}

import Foundation
import Logging
import SignalRoomCore
import SignalRoomEngine
import SignalRoomRuntime

/// Log lines on stderr, as text for people or JSON lines for machines. The library code
/// never prints; this is where its logs end up. A line logged while a run executes
/// (`CurrentRun`) is also kept with the run (`RunLogStore`), secrets masked, for
/// `signalroom logs`: under cron nobody reads stderr.
struct StderrLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// Where a run's lines are kept: the state, once the command opened it.
    var state: StateHandle?
    var redactor: SecretRedactor?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error"] = "\(error)" }
        let time = ISO8601Timestamp.now()
        var object: [String: String] = ["time": time, "level": level.rawValue, "message": "\(message)", "logger": label]
        for (key, value) in merged { object[key] = "\(value)" }
        let text: String
        switch format {
        case .text:
            let details = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            text = "\(time) \(level.rawValue.uppercased()) \(message)\(details.isEmpty ? "" : " " + details)\n"
        case .json:
            text = Self.jsonLine(object)
        }
        FileHandle.standardError.write(Data(text.utf8))
        if let run = CurrentRun.reference, let runLogs = state?.openedStores?.histories {
            runLogs.appendLog(redactor.map { Self.jsonLine(object.mapValues($0.redact)) } ?? Self.jsonLine(object), to: run)
        }
    }

    static func jsonLine(_ object: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Installs the handler for the whole process; safe to call once per process only.
    static func bootstrap(_ settings: Settings) {
        LoggingSystem.bootstrap { label in
            StderrLogHandler(
                label: label, format: settings.logFormat, logLevel: settings.logLevel,
                state: settings.state, redactor: settings.redactor)
        }
    }
}

enum ISO8601Timestamp {
    static func now() -> String { Timestamp.format(Date()) }
}

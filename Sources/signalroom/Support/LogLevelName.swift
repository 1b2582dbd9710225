import Logging

/// Log levels by their swift-log names (`--log-level`, `SIGNALROOM_LOG_LEVEL`).
enum LogLevelName {
    static let all = Logger.Level.allCases.map(\.rawValue)
    static func parse(_ name: String) -> Logger.Level? { Logger.Level(rawValue: name.lowercased()) }
}

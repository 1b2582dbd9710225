import Foundation
import SignalRoomCore
import SignalRoomPipelines
import SignalRoomReports

/// Builds a source by name; the runtime's catalog reads each one's settings from the
/// configuration, a test can hand over any `Source` it likes.
public protocol SourceProvider: Sendable {
    func source(named name: String) throws -> any Source
}

/// What the activities need from the process that runs them, handed over built: the
/// workflows know sources, destinations and channels only by their protocols, and nothing
/// of where their settings come from (`SignalRoomRuntime` reads them, once).
public struct PipelineServices: Sendable {
    public var sources: any SourceProvider
    /// The warehouse (opened per use: a destination holds no connection between activities).
    public var destination: @Sendable () throws -> any Destination
    /// The notification channel of that name, configured; a missing setting is a `ReportError`.
    public var channel: @Sendable (_ name: String) throws -> any NotificationChannel
    public var reports: ReportLibrary
    public var models: ModelLibrary
    /// Failure alerts and recovery messages, one window per subject and error.
    public var alerts: AlertLedger
    /// Where sync and report failures are announced (the `alerts` channel's real name).
    public var alertChannel: String
    /// Progress of running loads, for a terminal's progress line.
    public var progress: @Sendable (LoadProgress) -> Void
    /// Rows per staged chunk.
    public var chunkRows: Int
    /// Testing only: SIGKILL the process at a load checkpoint, `begun`, `staged:N` or
    /// `completed`, to crash at exact points of a load.
    public var killAt: String?

    public init(
        sources: any SourceProvider, destination: @escaping @Sendable () throws -> any Destination,
        channel: @escaping @Sendable (_ name: String) throws -> any NotificationChannel,
        reports: ReportLibrary, models: ModelLibrary, alerts: AlertLedger, alertChannel: String = "stdout",
        progress: @escaping @Sendable (LoadProgress) -> Void = { _ in },
        chunkRows: Int = ResourceLoader.Options().chunkRows, killAt: String? = nil
    ) {
        self.sources = sources
        self.destination = destination
        self.channel = channel
        self.reports = reports
        self.models = models
        self.alerts = alerts
        self.alertChannel = alertChannel
        self.progress = progress
        self.chunkRows = max(1, chunkRows)
        self.killAt = killAt
    }

    /// For processes that only check workflow names and inputs (schedule setup, listings):
    /// an activity run on these fails, naming why.
    public static let unconfigured = PipelineServices(
        sources: Unconfigured(), destination: { throw Unconfigured() }, channel: { _ in throw Unconfigured() },
        reports: ReportLibrary(directory: URL(fileURLWithPath: "reports")),
        models: ModelLibrary(modelsDirectory: URL(fileURLWithPath: "models"), seedsDirectory: URL(fileURLWithPath: "seeds")),
        alerts: AlertLedger(directory: URL(fileURLWithPath: "state/alerts")))

    private struct Unconfigured: SourceProvider, RetryClassifiedError {
        var isRetryable: Bool { false }
        var failureType: String { "ConfigurationError" }
        var description: String { "this process was started without pipeline services (a bug: report it)" }
        func source(named name: String) throws -> any Source { throw self }
    }
}

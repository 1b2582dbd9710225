import SignalRoomConnectors
import SignalRoomCore
import SignalRoomFiles
import SignalRoomHTTP
import SignalRoomReports

/// Every environment variable SignalRoom reads, once each, grouped as a listing shows them:
/// the engine and state, the warehouse, reports and alerts, HTTP, the sources (shared, then
/// each source's own), the channels, and the test-only crash points.
///
/// Each descriptor is declared next to the code whose settings it feeds (the channels'
/// in Reports, a connector's next to it), and every reader takes its value through the
/// descriptor, so a name and its default are written once. `signalroom sources` lists
/// `SourceVariables`; a `doctor` check or an `.env.example` would walk `allVariables`.
public enum ConfigurationTable {
    public static let allVariables: [EnvironmentVariable] =
        StateVariables.all + PipelineVariables.warehouse + PipelineVariables.reports + HTTPVariables.all + SourceVariables.shared
        + EverflowVariables.all + FilesVariables.all + RedTrackVariables.all + S3Variables.all
        + ChannelVariables.all + StateVariables.testing + PipelineVariables.testing
}

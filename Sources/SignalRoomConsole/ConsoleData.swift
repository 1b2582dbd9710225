import Foundation
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomScheduler

/// What the console reads, handed over by whoever knows the installation (the command
/// line): the state's stores, the schedules, the warehouse's pipelines, the reports and the
/// health checks. Every member only reads.
public protocol ConsoleData: Sendable {
    func store() throws -> any HistoryStore & RunLogStore
    func schedules() throws -> [ConsoleSchedule]
    func pipelines() async -> [ConsolePipeline]
    func pipeline(_ name: String) async -> ConsolePipeline?
    func reports() -> [ConsoleReport]
    /// The report as `signalroom report NAME --date DATE --channel CHANNEL` prints it.
    func renderReport(_ name: String, date: String?, channel: String?) async throws -> String
    func health() async -> [ConsoleHealthCheck]
    /// A page failed with `error`: what to show of it (secrets masked). A lost database
    /// connection is dropped here, so the next page connects again rather than failing until
    /// the console is restarted.
    func pageFailed(_ error: Error) -> String
}

public enum ConsoleSchedule: Sendable {
    case registered(Scheduler.Registered)
    case damaged(id: String, problem: String)

    var id: String {
        switch self {
        case .registered(let item): item.spec.id
        case .damaged(let id, _): id
        }
    }
}

public struct ConsolePipeline: Sendable {
    public var name: String
    public var dataset: String
    /// Where the warehouse is (no password).
    public var location: String
    /// nil: never loaded.
    public var description: DatasetDescription?
    public var schemas: [TableSchema]
    /// Why the warehouse could not be read.
    public var problem: String?
    /// The workflow type whose runs load it, to find the run behind a load.
    public var workflowType: String

    public init(
        name: String, dataset: String, location: String, description: DatasetDescription?, schemas: [TableSchema] = [],
        problem: String? = nil, workflowType: String
    ) {
        self.workflowType = workflowType
        self.name = name
        self.dataset = dataset
        self.location = location
        self.description = description
        self.schemas = schemas
        self.problem = problem
    }
}

public struct ConsoleReport: Sendable {
    public var name: String
    public var description: String
    public var channels: [String]
    public var parameters: [String]

    public init(name: String, description: String, channels: [String], parameters: [String]) {
        self.name = name
        self.description = description
        self.channels = channels
        self.parameters = parameters
    }
}

public struct ConsoleHealthCheck: Sendable {
    public var check: String
    /// ok, warning or problem.
    public var status: String
    public var message: String

    public init(check: String, status: String, message: String) {
        self.check = check
        self.status = status
        self.message = message
    }
}

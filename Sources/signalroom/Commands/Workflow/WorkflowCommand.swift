import ArgumentParser
import Foundation
import SignalRoomEngine

struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Start, inspect and control workflow runs.",
        subcommands: [
            WorkflowStart.self, WorkflowResume.self, WorkflowList.self, WorkflowDescribe.self,
            WorkflowShow.self, WorkflowCancel.self, WorkflowTerminate.self, WorkflowRetry.self, WorkflowPrune.self, WorkflowReindex.self,
        ])
}

extension GlobalOptions {
    /// Settings with logging installed: every command calls this first.
    func settings() throws -> Settings {
        let settings = try Settings(self)
        StderrLogHandler.bootstrap(settings)
        StateDirectoryMode.warnIfLoose(settings.stateDirectory)
        return settings
    }
}

/// Picks the run a command is about: `--run` if given, else the id's open or newest run.
func resolveRun(_ store: any HistoryStore, workflowId: String, runId: String?) throws -> RunReference {
    if let runId { return RunReference(workflowId: workflowId, runId: runId) }
    return try store.currentRun(of: workflowId)
}

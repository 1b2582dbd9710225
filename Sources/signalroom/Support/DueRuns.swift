import Foundation
import SignalRoomEngine

/// Resuming open runs whose wake-up time has come, shared by `workflow resume --due` and
/// `run-due`.
enum DueRuns {
    struct Result {
        var reports: [OutcomeReport] = []
        var problems = 0
    }

    /// Resumes due runs one after another, printing one line per run it touched (none when
    /// nothing was due). A run that cannot go on (damaged history, unknown type) is reported
    /// and skipped: it must not hold up the others. Stops starting new ones at `deadline`.
    static func resume(store: FileHistoryStore, engine: WorkflowEngine, settings: Settings, deadline: Date,
                       prefix: String = "") async -> Result {
        var result = Result()
        let now = Date()
        let due = ((try? store.openRuns()) ?? []).filter { ($0.wakeUpTime ?? .distantPast) <= now }
        for entry in due {
            guard Date() < deadline else { break }
            do {
                let report = OutcomeReport(run: entry.run, outcome: try await engine.execute(try engine.claim(entry.run)))
                result.reports.append(report)
                if !settings.json { print("\(prefix)\(entry.workflowId) (run \(entry.runId)): \(report.status)") }
            } catch WorkflowStoreError.runLocked {
                continue
            } catch {
                result.problems += 1
                let message = CommandFailure(error)?.message ?? String(describing: error)
                FileHandle.standardError.write(Data("signalroom: error: \(entry.workflowId) (run \(entry.runId)): \(settings.redactor.redact(message))\n".utf8))
            }
        }
        return result
    }
}

import Foundation
import SignalRoomEngine

/// Resuming open runs whose wake-up time has come, shared by `workflow resume --due` and
/// `run-due`.
enum DueRuns {
    struct Result {
        var reports: [OutcomeReport] = []
        /// Runs that could not be handled (damaged history, unknown type, a failed write).
        var unhandled: [(run: RunReference, message: String)] = []
        var problems: Int { unhandled.count }
        /// Runs that were resumed and closed as failed.
        var failed: Int { reports.count { $0.status == "failed" } }
    }

    /// Resumes due runs one after another, printing one line per run it touched (none when
    /// nothing was due; nothing on stdout with `--json`, the caller prints the reports). A
    /// run that cannot go on (damaged history, unknown type) is reported on stderr and
    /// skipped: it must not hold up the others. Stops starting new ones at `deadline`. An
    /// open index that cannot be read is an error, never an empty list of due runs.
    static func resume(store: FileHistoryStore, engine: WorkflowEngine, settings: Settings, deadline: Date,
                       prefix: String = "") async throws -> Result {
        var result = Result()
        let now = Date()
        let due = try store.openRuns().filter { ($0.wakeUpTime ?? .distantPast) <= now }
        for entry in due {
            guard Date() < deadline else { break }
            do {
                let report = OutcomeReport(run: entry.run, outcome: try await engine.execute(try engine.claim(entry.run)))
                result.reports.append(report)
                if !settings.json { print("\(prefix)\(entry.workflowId) (run \(entry.runId)): \(report.status)") }
                if let line = report.failureLine(redactor: settings.redactor) { FileHandle.standardError.write(Data(line.utf8)) }
            } catch WorkflowStoreError.runLocked {
                continue
            } catch {
                let message = settings.redactor.redact(CommandFailure(error)?.message ?? String(describing: error))
                result.unhandled.append((entry.run, message))
                FileHandle.standardError.write(Data("signalroom: error: \(entry.workflowId) (run \(entry.runId)): \(message)\n".utf8))
            }
        }
        return result
    }
}

extension OutcomeReport {
    /// The stderr line for a run that closed as failed (nil otherwise): cron mails stderr,
    /// so the reason must be there, not only in the history.
    func failureLine(redactor: SecretRedactor) -> String? {
        guard status == "failed" else { return nil }
        let root = failure?.rootCause
        var reason = failure?.message ?? "unknown failure"
        if let root, !reason.contains(root.message) { reason += " (cause: \(root.message))" }
        return "signalroom: error: \(workflowId) (run \(runId)) failed: \(redactor.redact(reason))\n"
    }
}

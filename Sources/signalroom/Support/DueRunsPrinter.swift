import Foundation
import SignalRoomEngine
import SignalRoomScheduler

/// How `run-due` and `workflow resume --due` show what a `RunDue` pass did: one line per run
/// on stdout (`prefix` before resumed ones), failures and runs that could not be handled
/// on stderr, or one JSON line per event with `--json` lines (`run-due`).
struct DueRunsPrinter {
    let settings: Settings
    /// `run-due --json`: a JSON line per event; `workflow resume --due --json` prints an
    /// array of reports at the end instead (see `reports`).
    var jsonLines: Bool
    var resumedPrefix = ""
    /// The runs that ran, for `workflow resume --due --json`.
    private(set) var reports: [OutcomeReport] = []

    mutating func show(_ event: RunDue.Event) {
        let redactor = settings.redactor
        switch event {
        case .scheduleProblem(let problem):
            standardError("signalroom: error: schedule \(problem.scheduleId): \(redactor.redact(problem.message))")
        case .passed(let item):
            if jsonLines {
                RunDueLine(action: item.kind.rawValue, schedule: item.scheduleId, fireTime: item.fireTime, status: item.kind.rawValue).emit()
            }
        case .started(let item):
            if !settings.json {
                print("started \(item.run.run.workflowId) (schedule \(item.scheduleId), fire time \(ScheduleTime.iso(item.fireTime)))")
            }
        case .worked(let worked):
            show(worked)
        }
    }

    private mutating func show(_ worked: RunDue.Worked) {
        let redactor = settings.redactor
        let run = worked.run
        var line = RunDueLine(
            action: worked.action.rawValue, schedule: worked.schedule?.scheduleId, fireTime: worked.schedule?.fireTime,
            workflowId: run.workflowId, runId: run.runId, status: "ready")
        let name = worked.action == .fired ? run.workflowId : "\(run.workflowId) (run \(run.runId))"
        if let outcome = worked.outcome {
            let report = OutcomeReport(run: run, outcome: outcome)
            reports.append(report)
            line.status = report.status
            line.error = report.failure.map { redactor.redact($0.rootCause.message) }
            if !settings.json { print("\(worked.action == .resumed ? resumedPrefix : "")\(name): \(report.status)") }
            if let failure = report.failureLine(redactor: redactor) { FileHandle.standardError.write(Data(failure.utf8)) }
        } else if let error = worked.error {
            let message = redactor.redact(CommandFailure(error)?.message ?? String(describing: error))
            (line.status, line.error) = ("error", message)
            standardError("signalroom: error: \(name): \(message)")
        }
        if jsonLines { line.emit() }
    }

    private func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension OutcomeReport {
    /// The stderr line for a run that closed as failed (nil otherwise): cron mails stderr,
    /// so the reason must be there, not only in the history.
    func failureLine(redactor: SecretRedactor) -> String? {
        guard status == "failed" else { return nil }
        return "signalroom: error: \(workflowId) (run \(runId)) failed: \(redactor.redact(failureText))\n"
    }
}

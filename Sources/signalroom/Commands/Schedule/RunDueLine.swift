import Foundation
import SignalRoomEngine
import SignalRoomScheduler

/// One line of `run-due --json`: what happened to one fire time or one resumed run.
///
/// Every line has the same members, `null` where a value does not apply: `action`
/// (`fired`, `resumed`, `skipped`, `buffered`), `schedule` and `fireTime` (null for a resumed
/// run no schedule started), `workflowId` and `runId` (null for a fire time without a run),
/// `status` (`completed`, `failed`, `canceled`, `terminated`, `parked`; `ready` for a fired
/// run left for the next `run-due` at `--max-duration`; `skipped`, `buffered`; `error` when
/// the run could not be handled) and `error` (the failure's message, or null).
struct RunDueLine: Encodable {
    var action: String
    var schedule: String?
    var fireTime: Date?
    var workflowId: String?
    var runId: String?
    var status: String
    var error: String?

    private enum Key: String, CodingKey { case action, schedule, fireTime, workflowId, runId, status, error }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(action, forKey: .action)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(fireTime.map(ScheduleTime.iso), forKey: .fireTime)
        try container.encode(workflowId, forKey: .workflowId)
        try container.encode(runId, forKey: .runId)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
    }

    /// Prints the line, compact, on stdout.
    func emit() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return }
        print(String(decoding: data, as: UTF8.self))
    }
}

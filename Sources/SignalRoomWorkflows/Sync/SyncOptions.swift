import SignalRoomCore
import SignalRoomEngine

/// The options a sync run was started with, as its `WorkflowExecutionStarted` input records
/// them: what decides whether a new `signalroom sync` may carry on an earlier run.
public enum SyncOptions {
    /// Inputs that only carry an earlier run's progress forward, not what is loaded.
    static let carriedFields: Set<String> = ["resumeLoads"]

    /// The input the run was started with; nil when its history has no readable start.
    public static func recordedInput(of run: RunReference, store: any HistoryStore) throws -> JSONValue? {
        try store.started(run)?.input
    }

    /// What a failed sync left staged for the same sync run again: the loads (resource →
    /// load id) of the pipeline activity's last checkpoint in the id's newest run, when that
    /// run failed and was started with the same options as `input`; nil otherwise.
    public static func loadsToResume(workflowId: String, input: JSONValue, store: any HistoryStore) -> (run: RunReference, loads: [String: String])? {
        guard let run = try? store.currentRun(of: workflowId), let events = try? store.history(of: run),
            let summary = RunSummary(events: events), summary.status == .failed, sameLoad(summary.input, input)
        else { return nil }
        let pipelineActivities = Set(
            events.compactMap { event -> Int? in
                if case .activityTaskScheduled(let a) = event.attributes, a.activityType == RunPipelineActivity.name { return event.eventId }
                return nil
            })
        // Bad data fails the load for good (the loader dropped its stage): nothing to resume.
        let gaveUpOnBadData = events.contains { event in
            if case .activityTaskFailed(let a) = event.attributes, pipelineActivities.contains(a.scheduledEventId) {
                return a.retryState == .nonRetryableFailure
            }
            return false
        }
        guard !gaveUpOnBadData else { return nil }
        for event in events.reversed() {
            guard case .activityTaskHeartbeatRecorded(let beat) = event.attributes, pipelineActivities.contains(beat.scheduledEventId),
                let progress = try? beat.details.decode(RunPipelineActivity.Progress.self), !progress.loads.isEmpty
            else { continue }
            return (run, progress.loads)
        }
        return nil
    }

    /// Whether two sync inputs load the same thing the same way (every option counts,
    /// notifications included, so a resumed run never behaves other than asked).
    public static func sameLoad(_ a: JSONValue, _ b: JSONValue) -> Bool {
        loadFields(a) == loadFields(b)
    }

    private static func loadFields(_ input: JSONValue) -> [String: JSONValue] {
        guard case .object(var fields) = input else { return [:] }
        for name in carriedFields { fields.removeValue(forKey: name) }
        // Defaults spelt out or left out mean the same.
        for (name, fallback) in [("fullRefresh", false), ("notifyOnSuccess", false), ("notifyOnFailure", true)]
        where fields[name] == .bool(fallback) {
            fields.removeValue(forKey: name)
        }
        return fields
    }

    /// The input as the `sync` options that give it: `--start-date 2026-11-01 --full-refresh`.
    public static func describe(_ input: JSONValue) -> String {
        var words: [String] = []
        if case .array(let sources)? = input["sources"] {
            words.append("sources " + sources.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: ", "))
        }
        if case .array(let names)? = input["resources"] {
            words.append("--resources " + names.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: ","))
        }
        for (field, option) in [("startDate", "--start-date"), ("endDate", "--end-date")] {
            if case .string(let date)? = input[field] { words.append("\(option) \(date)") }
        }
        if input["fullRefresh"] == .bool(true) { words.append("--full-refresh") }
        if input["notifyOnSuccess"] == .bool(true) { words.append("--notify-on-success") }
        if input["notifyOnFailure"] == .bool(false) { words.append("--no-notify-on-failure") }
        return words.isEmpty ? "no options" : words.joined(separator: " ")
    }
}

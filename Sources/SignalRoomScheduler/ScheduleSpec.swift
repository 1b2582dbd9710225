import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomCron

/// One entry of `schedules.json`: when a workflow runs and what happens when runs pile up.
///
/// Wire format (a JSON array of these objects; unknown fields are errors):
/// `{"id": "daily-report", "cron": "0 7 * * *", "timezone": "America/New_York",
///   "workflow": "RunReportWorkflow", "input": {…}, "overlap": "skip",
///   "catchup_window": "24h", "paused": false, "note": "…", "jitter": "30s"}`
public struct ScheduleSpec: Sendable, Equatable {
    public var id: String
    public var cron: CronExpression
    public var timeZone: TimeZone
    /// The zone as written (Foundation names `UTC` "GMT").
    public var timeZoneName: String { if case .string(let name)? = source["timezone"] { name } else { "UTC" } }
    public var workflow: String
    public var input: JSONValue
    public var overlap: OverlapPolicy
    /// How far back a missed fire time may still start (default 24 hours).
    public var catchupWindow: TimeInterval
    public var paused: Bool
    public var note: String?
    /// Each fire time starts up to this much later (a stable amount per fire time), so
    /// many schedules at :00 do not all hit an API at once.
    public var jitter: TimeInterval
    /// The entry as written, canonical: two specs are the same schedule when these match.
    public var source: JSONValue

    public static let fields: Set<String> = [
        "id", "cron", "timezone", "workflow", "input", "overlap", "catchup_window",
        "paused", "note", "jitter",
    ]

    public static func == (lhs: ScheduleSpec, rhs: ScheduleSpec) -> Bool { lhs.source == rhs.source }

    /// The workflow id of the run for one fire time: `<schedule-id>-<fire time UTC ISO 8601>`.
    public func workflowId(for fireTime: Date) -> String {
        "\(id)-\(ScheduleTime.iso(fireTime))"
    }

    /// The delay added to a fire time by `jitter`: derived from the schedule id and the
    /// fire time, so every process computes the same delay.
    public func jitterDelay(for fireTime: Date) -> TimeInterval {
        guard jitter > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in workflowId(for: fireTime).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Double(hash % UInt64(max(1, jitter * 1000))) / 1000
    }
}

/// What to do when a fire time comes while a run of the same schedule is still open.
public enum OverlapPolicy: String, Sendable, CaseIterable {
    /// Do not start; the fire time is recorded as skipped.
    case skip
    /// Start one run after the open one closes; later fire times meanwhile are dropped.
    case bufferOne = "buffer_one"
    /// Start every fire time, one after another.
    case bufferAll = "buffer_all"
    /// Cancel the open run, then start.
    case cancelOther = "cancel_other"
    /// Terminate the open run, then start.
    case terminateOther = "terminate_other"
    /// Start regardless; runs overlap.
    case allowAll = "allow_all"
}

/// Times as schedules print and name them: UTC, whole seconds, `2026-11-25T12:15:00Z`.
public enum ScheduleTime {
    public static func iso(_ date: Date) -> String {
        String(Timestamp.format(date).prefix(19)) + "Z"
    }

    /// The same instant as wall-clock time in `zone`, with its offset.
    public static func local(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let wall = String(Timestamp.format(date.addingTimeInterval(TimeInterval(offset))).prefix(16)).replacingOccurrences(of: "T", with: " ")
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(wall) \(sign)\(String(format: "%02d:%02d", minutes / 60, minutes % 60))"
    }
}

import Foundation
import SignalRoomEngine

/// A run's activities and timers as bars on one time axis, drawn as inline SVG (presentation
/// attributes, so the style policy needs no inline styles): each attempt from its start to
/// its outcome, the waits between attempts, heartbeats as ticks, worker deaths in their own
/// colour, timers from start to fire.
struct RunTimeline {
    let events: [HistoryEvent]
    /// The end of the axis: the close time, or now for an open run.
    let now: Date

    static let maximumRows = 300
    private static let labelWidth = 240.0
    private static let plotWidth = 900.0
    private static let rowHeight = 20.0

    struct Span {
        var from: Date
        var to: Date
        var kind: String
        var title: String
    }

    struct Row {
        var label: String
        var spans: [Span] = []
        var ticks: [Date] = []
    }

    func rows() -> [Row] {
        var rows: [Row] = []
        var rowOf: [Int: Int] = [:]
        var attemptStart: [Int: (Date, Int)] = [:]
        var waitingSince: [Int: Date] = [:]
        for event in events {
            switch event.attributes {
            case .activityTaskScheduled(let a):
                rowOf[event.eventId] = rows.count
                rows.append(Row(label: "\(a.activityType) #\(event.eventId)"))
                waitingSince[event.eventId] = event.time
            case .activityTaskStarted(let a):
                guard let row = rowOf[a.scheduledEventId] else { continue }
                if let since = waitingSince.removeValue(forKey: a.scheduledEventId), event.time.timeIntervalSince(since) > 0.001 {
                    rows[row].spans.append(Span(from: since, to: event.time, kind: "waiting", title: "waiting for attempt \(a.attempt)"))
                }
                attemptStart[a.scheduledEventId] = (event.time, a.attempt)
            case .activityTaskHeartbeatRecorded(let a):
                if let row = rowOf[a.scheduledEventId] { rows[row].ticks.append(event.time) }
            case .activityTaskCompleted(let a):
                close(a.scheduledEventId, at: event.time, kind: "completed", outcome: "completed", &rows, rowOf, &attemptStart)
            case .activityTaskFailed(let a):
                let died = a.failure.type == "WorkerDied"
                close(
                    a.scheduledEventId, at: event.time, kind: died ? "died" : "failed", outcome: "\(a.failure.type): \(a.failure.message)",
                    &rows, rowOf, &attemptStart)
                if a.nextAttemptTime != nil { waitingSince[a.scheduledEventId] = event.time }
            case .activityTaskTimedOut(let a):
                close(
                    a.scheduledEventId, at: event.time, kind: "timedout", outcome: "timed out (\(a.timeoutType.rawValue))", &rows, rowOf,
                    &attemptStart)
                if a.nextAttemptTime != nil { waitingSince[a.scheduledEventId] = event.time }
            case .activityTaskCanceled(let a):
                close(a.scheduledEventId, at: event.time, kind: "canceled", outcome: "canceled", &rows, rowOf, &attemptStart)
            case .timerStarted(let a):
                rowOf[-event.eventId] = rows.count
                rows.append(Row(label: "timer #\(event.eventId) \(Layout.duration(a.durationSeconds))"))
                attemptStart[-event.eventId] = (event.time, 0)
            case .timerFired(let a): closeTimer(a.startedEventId, at: event.time, "fired", &rows, rowOf, &attemptStart)
            case .timerCanceled(let a): closeTimer(a.startedEventId, at: event.time, "canceled", &rows, rowOf, &attemptStart)
            default: break
            }
        }
        // What is still going on runs to the end of the axis.
        for (id, (start, attempt)) in attemptStart {
            guard let row = rowOf[id] else { continue }
            rows[row].spans.append(
                Span(from: start, to: now, kind: id < 0 ? "timer" : "running", title: id < 0 ? "timer pending" : "attempt \(attempt): running"))
        }
        for (id, since) in waitingSince {
            guard let row = rowOf[id] else { continue }
            rows[row].spans.append(Span(from: since, to: now, kind: "waiting", title: "waiting for the next attempt"))
        }
        return rows
    }

    private func close(
        _ id: Int, at time: Date, kind: String, outcome: String, _ rows: inout [Row], _ rowOf: [Int: Int],
        _ attemptStart: inout [Int: (Date, Int)]
    ) {
        guard let row = rowOf[id], let (start, attempt) = attemptStart.removeValue(forKey: id) else { return }
        rows[row].spans.append(
            Span(from: start, to: time, kind: kind, title: "attempt \(attempt): \(outcome) after \(Layout.duration(time.timeIntervalSince(start)))"))
    }

    private func closeTimer(
        _ startedId: Int, at time: Date, _ outcome: String, _ rows: inout [Row], _ rowOf: [Int: Int], _ attemptStart: inout [Int: (Date, Int)]
    ) {
        guard let row = rowOf[-startedId], let (start, _) = attemptStart.removeValue(forKey: -startedId) else { return }
        rows[row].spans.append(
            Span(from: start, to: time, kind: "timer", title: "timer \(outcome) after \(Layout.duration(time.timeIntervalSince(start)))"))
    }

    func svg() -> String {
        let all = rows()
        guard !all.isEmpty, let first = events.first?.time else { return "<p class=\"muted\">No activities or timers.</p>" }
        let shown = all.prefix(Self.maximumRows)
        let total = max(now.timeIntervalSince(first), 0.001)
        func x(_ date: Date) -> Double { Self.labelWidth + max(0, min(1, date.timeIntervalSince(first) / total)) * Self.plotWidth }
        let width = Self.labelWidth + Self.plotWidth + 10
        let height = Double(shown.count) * Self.rowHeight + 24
        var html = HTML()
        html.raw("<p class=\"legend\">")
        for (kind, label) in [
            ("completed", "completed"), ("failed", "failed"), ("timedout", "timed out"), ("died", "worker died"), ("running", "running"),
            ("waiting", "waiting or parked"), ("timer", "timer"),
        ] {
            html.raw("<span><i class=\"\(kind == "waiting" || kind == "timer" ? kind : "attempt-\(kind)")\"></i>\(label)</span>")
        }
        html.raw("</p>")
        html.raw(
            "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"activity timeline\">"
        )
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            let position = Self.labelWidth + fraction * Self.plotWidth
            html.raw("<line class=\"grid\" x1=\"\(f(position))\" y1=\"0\" x2=\"\(f(position))\" y2=\"\(f(height - 14))\"/>")
            html.raw(
                "<text class=\"axis\" x=\"\(f(min(position, width - 50)))\" y=\"\(f(height - 3))\">+\(HTML.escaped(Layout.duration(total * fraction)))</text>"
            )
        }
        for (index, row) in shown.enumerated() {
            let y = Double(index) * Self.rowHeight
            html.raw("<text class=\"label\" x=\"4\" y=\"\(f(y + 14))\">")
            html.text(row.label.count > 36 ? String(row.label.prefix(35)) + "…" : row.label)
            html.raw("<title>")
            html.text(row.label)
            html.raw("</title></text>")
            for span in row.spans {
                let left = x(span.from)
                let kind = span.kind == "waiting" || span.kind == "timer" ? span.kind : "attempt-\(span.kind)"
                html.raw("<rect class=\"\(kind)\" x=\"\(f(left))\" y=\"\(f(y + 4))\" width=\"\(f(max(2, x(span.to) - left)))\" height=\"12\"><title>")
                html.text(span.title)
                html.raw("</title></rect>")
            }
            for tick in row.ticks {
                html.raw("<line class=\"heartbeat\" x1=\"\(f(x(tick)))\" y1=\"\(f(y + 2))\" x2=\"\(f(x(tick)))\" y2=\"\(f(y + 18))\"/>")
            }
        }
        html.raw("</svg>")
        if all.count > shown.count {
            html.raw("<p class=\"muted\">\(all.count - shown.count) more activities and timers are not drawn; the history below has them all.</p>")
        }
        return html.output
    }

    private func f(_ value: Double) -> String { Layout.tenths(value) }
}

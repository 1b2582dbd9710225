import Foundation
import SignalRoomEngine
import SignalRoomScheduler

/// `/schedules`: every registered schedule with its policy, state, last and next fire.
struct SchedulesPage {
    let data: any ConsoleData

    func render() throws -> ConsoleResponse {
        let schedules = try data.schedules()
        var html = HTML()
        if schedules.isEmpty {
            html.raw("<p class=\"muted\">No schedules registered; <code>signalroom schedule-setup</code> registers schedules.json.</p>")
        } else {
            html.raw("<table>")
            html.header([
                "schedule", "cron", "time zone", "workflow", "overlap", "catch-up", "state", "last fire", "next fire (local)", "next fire (UTC)",
            ])
            let now = Date()
            for schedule in schedules {
                var name = HTML()
                name.link("/schedules/\(HTML.component(schedule.id))", schedule.id)
                switch schedule {
                case .damaged(_, let problem):
                    html.row([
                        .markup(name.output), .classed("damaged: \(problem)", "problem"), .text(""), .text(""), .text(""), .text(""), .text(""),
                        .text(""), .text(""), .text(""),
                    ])
                case .registered(let item):
                    let next = item.spec.cron.nextFireTime(after: now, in: item.spec.timeZone)
                    html.row([
                        .markup(name.output), .markup("<code>\(HTML.escaped(item.spec.cron.description))</code>"), .text(item.spec.timeZoneName),
                        .text(item.spec.workflow), .text(item.spec.overlap.rawValue), .text(Layout.duration(item.spec.catchupWindow)),
                        .classed(item.paused ? "paused" + (item.note.map { ": \($0)" } ?? "") : "active", item.paused ? "warning" : "ok"),
                        .text(item.state.lastFire.map { Layout.time($0.fireTime) } ?? "never"),
                        .text(next.map { ScheduleTime.local($0, in: item.spec.timeZone) } ?? "-"), .text(next.map(Layout.time) ?? "-"),
                    ])
                }
            }
            html.raw("</table>")
        }
        return ConsoleResponse(body: Layout.page(title: "Schedules", section: "schedules", body: html))
    }
}

/// `/schedules/ID`: the schedule's policy, its recent fires and their results, the next fire
/// times in its zone and in UTC with daylight-saving changes marked, buffered fire times.
struct SchedulePage {
    let data: any ConsoleData
    let id: String

    static let nextCount = 12

    func render() throws -> ConsoleResponse {
        guard let schedule = try data.schedules().first(where: { $0.id == id }) else {
            throw ConsoleProblem.notFound("no schedule \(id) is registered")
        }
        var html = HTML()
        guard case .registered(let item) = schedule else {
            if case .damaged(_, let problem) = schedule { html.element("p", problem, class: "problem") }
            return ConsoleResponse(body: Layout.page(title: id, section: "schedules", body: html))
        }
        let spec = item.spec
        html.raw("<dl>")
        for (name, value) in [
            ("cron", spec.cron.description), ("time zone", spec.timeZoneName), ("workflow", spec.workflow), ("overlap", spec.overlap.rawValue),
            ("catch-up window", Layout.duration(spec.catchupWindow)), ("jitter", spec.jitter > 0 ? Layout.duration(spec.jitter) : "none"),
            ("state", item.paused ? "paused" : "active"), ("note", item.note ?? "-"),
            ("handled through", Layout.time(item.state.handledThrough)),
        ] {
            html.raw("<dt>\(name)</dt><dd>")
            html.text(value)
            html.raw("</dd>")
        }
        html.raw("</dl><h2>Input</h2><pre>")
        html.text(RunPage.pretty(spec.input))
        html.raw("</pre>")
        nextFires(&html, spec)
        if !item.state.buffered.isEmpty {
            html.raw("<h2>Buffered fire times</h2><ul>")
            for time in item.state.buffered { html.raw("<li>\(HTML.escaped(Layout.time(time)))</li>") }
            html.raw("</ul>")
        }
        try recent(&html, item)
        html.raw("<p>")
        html.link("/runs" + HTML.query([("schedule", spec.id)]), "Every run of this schedule")
        html.raw("</p>")
        return ConsoleResponse(body: Layout.page(title: spec.id, section: "schedules", body: html))
    }

    private func nextFires(_ html: inout HTML, _ spec: ScheduleSpec) {
        html.raw("<h2>Next fire times</h2><table>")
        html.header(["local (\(spec.timeZoneName))", "UTC", ""])
        var previousOffset: Int? = nil
        for time in spec.cron.fireTimes(after: Date(), in: spec.timeZone, count: Self.nextCount) {
            let offset = spec.timeZone.secondsFromGMT(for: time)
            let change =
                previousOffset.map { $0 != offset } ?? false
                ? "daylight-saving change: UTC offset \(Self.offset(previousOffset!)) → \(Self.offset(offset))" : ""
            html.row([.text(ScheduleTime.local(time, in: spec.timeZone)), .text(Layout.time(time)), .classed(change, "dst")])
            previousOffset = offset
        }
        html.raw("</table>")
    }

    static func offset(_ seconds: Int) -> String {
        String(format: "%@%02d:%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
    }

    private func recent(_ html: inout HTML, _ item: Scheduler.Registered) throws {
        html.raw("<h2>Recent fires</h2>")
        guard !item.state.recent.isEmpty else { return html.raw("<p class=\"muted\">Nothing fired yet.</p>") }
        let store = try data.store()
        html.raw("<table>")
        html.header(["at", "action", "fire time", "run", "result"])
        for action in item.state.recent.reversed() {
            var result = "-"
            var runCell = "-"
            if let workflowId = action.workflowId {
                runCell = runLink(workflowId, nil)
                result = Self.status(store, workflowId)
            }
            html.row([
                .text(Layout.time(action.at)), .text(action.kind.rawValue), .text(Layout.time(action.fireTime)), .markup(runCell),
                .classed(result, "status \(result.split(separator: " ").first.map(String.init) ?? "")"),
            ])
        }
        html.raw("</table>")
    }

    /// A scheduled run's status now, from its history: pruned runs say so.
    static func status(_ store: any HistoryStore, _ workflowId: String) -> String {
        guard let run = try? store.currentRun(of: workflowId) else { return "pruned" }
        guard let events = try? store.history(of: run), let summary = RunSummary(events: events) else { return "history damaged" }
        if summary.status.isClosed { return summary.status.rawValue }
        return summary.wakeUpTime.map { "parked until \(Layout.time($0))" } ?? "running"
    }
}

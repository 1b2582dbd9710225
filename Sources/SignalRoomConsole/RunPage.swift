import Foundation
import SignalRoomCore
import SignalRoomEngine

/// `/runs/ID[/RUN]`: a run's status, input and result, pending activity, a timeline of its
/// activities and timers, its full history and its log, with links to the run it retries
/// and the schedule that started it.
struct RunPage {
    let data: any ConsoleData
    let workflowId: String
    let runId: String?

    func render() throws -> ConsoleResponse {
        guard (try? WorkflowId.validate(workflowId)) != nil else {
            throw ConsoleProblem.badRequest("\"\(workflowId)\" is not a workflow id: ids are letters, digits and . _ - : @ + =")
        }
        if let runId, runId.isEmpty || runId.count > 64 || !runId.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
            throw ConsoleProblem.badRequest("\"\(runId)\" is not a run id: run ids are hexadecimal digits and dashes")
        }
        let store = try data.store()
        let run: RunReference
        do {
            run = try runId.map { RunReference(workflowId: workflowId, runId: $0) } ?? store.currentRun(of: workflowId)
        } catch WorkflowStoreError.notFound, WorkflowStoreError.runNotFound {
            throw ConsoleProblem.notFound("no run of workflow \(workflowId)")
        }
        let events: [HistoryEvent]
        do {
            events = try store.history(of: run)
        } catch WorkflowStoreError.runNotFound, WorkflowStoreError.notFound {
            throw ConsoleProblem.notFound("workflow \(workflowId) has no run \(run.runId)")
        }
        guard let summary = RunSummary(events: events), case .workflowExecutionStarted(let started)? = events.first?.attributes else {
            throw ConsoleProblem(status: 500, message: "the history of run \(run.runId) of \(workflowId) has no readable start event")
        }
        let now = Date()
        let owned = !summary.status.isClosed && store.isClaimed(run)
        let status =
            summary.status.isClosed
            ? summary.status.rawValue : owned ? "running" : summary.wakeUpTime.map { $0 > now ? "parked" : "ready" } ?? "ready"

        var html = HTML()
        html.raw("<dl>")
        term(
            &html, "status",
            markup: "<span class=\"status \(status)\">\(status)</span>"
                + (summary.cancelRequested && !summary.status.isClosed ? " (cancel requested)" : ""))
        term(&html, "workflow type", summary.workflowType)
        term(&html, "run", run.runId)
        term(&html, "started", Layout.time(summary.startTime) + " by " + started.identity)
        if let close = summary.closeTime {
            term(&html, "closed", "\(Layout.time(close)) (took \(Layout.duration(close.timeIntervalSince(summary.startTime))))")
        }
        if let schedule = started.schedule {
            var link = HTML()
            link.link("/schedules/\(HTML.component(schedule.scheduleId))", schedule.scheduleId)
            link.text(" for its fire time \(Layout.time(schedule.fireTime))")
            term(&html, "schedule", markup: link.output)
        }
        if let retried = started.retriedFrom {
            var link = HTML()
            link.link("/runs/\(HTML.component(workflowId))/\(HTML.component(retried))", "run \(retried)")
            term(&html, "retries", markup: link.output)
        }
        if let pending = summary.pendingActivity {
            var text = "\(pending.activityType) (activity \(pending.scheduledEventId)), attempt \(pending.attempt)"
            if let next = pending.nextAttemptTime { text += ", next attempt at \(Layout.time(next))" }
            term(&html, "pending activity", text)
            if let details = pending.lastHeartbeatDetails { term(&html, "last heartbeat", details.compactText) }
        }
        if let wake = summary.wakeUpTime, !summary.status.isClosed { term(&html, "wake-up", Layout.time(wake)) }
        if let failure = summary.failure ?? summary.lastActivityFailure {
            term(&html, summary.status == .completed ? "recovered from" : "failure", "\(failure.type): \(failure.message)")
        }
        term(&html, "history", "\(events.count) events in \(store.historyPlace(of: run))")
        html.raw("</dl>")

        html.raw("<p>")
        html.link("/runs" + HTML.query([("q", workflowId)]), "Every run whose id contains \(workflowId)")
        html.raw("</p>")
        html.raw("<h2>Timeline</h2>")
        html.raw(RunTimeline(events: events, now: summary.closeTime ?? now).svg())
        html.raw("<h2>Input</h2><pre>")
        html.text(Self.pretty(summary.input))
        html.raw("</pre>")
        if let result = summary.result {
            html.raw("<h2>Result</h2><pre>")
            html.text(Self.pretty(result))
            html.raw("</pre>")
        }
        html.raw("<h2>History</h2><table>")
        html.header(["id", "time", "+", "event", "details"])
        for event in events {
            html.row([
                .classed(String(event.eventId), "num"), .classed(Layout.time(event.time), "time"),
                .classed(Layout.duration(event.time.timeIntervalSince(summary.startTime)), "num"), .text(event.eventType),
                .classed(EventDetails.text(event), "long"),
            ])
        }
        html.raw("</table>")
        logSection(&html, store.log(of: run, from: 0))
        return ConsoleResponse(body: Layout.page(title: workflowId, section: "runs", body: html))
    }

    private func term(_ html: inout HTML, _ name: String, _ value: String) {
        html.raw("<dt>\(name)</dt><dd>")
        html.text(value)
        html.raw("</dd>")
    }

    private func term(_ html: inout HTML, _ name: String, markup: String) {
        html.raw("<dt>\(name)</dt><dd>\(markup)</dd>")
    }

    /// The run's log lines (JSON objects) as a table; a line that is not JSON is shown as text.
    private func logSection(_ html: inout HTML, _ bytes: [UInt8]) {
        html.raw("<h2>Log</h2>")
        let lines = bytes.split(separator: 0x0A)
        guard !lines.isEmpty else { return html.raw("<p class=\"muted\">Nothing logged.</p>") }
        html.raw("<table>")
        html.header(["time", "level", "message", "metadata"])
        for line in lines {
            guard case .object(var fields)? = try? JSONValue(parsing: Data(line)) else {
                html.row([.text(""), .text(""), .classed(String(decoding: line, as: UTF8.self), "long"), .text("")])
                continue
            }
            func take(_ key: String) -> String {
                defer { fields[key] = nil }
                if case .string(let text)? = fields[key] { return text }
                return fields[key]?.compactText ?? ""
            }
            let (time, level, message) = (take("time"), take("level"), take("message"))
            _ = take("logger")
            html.row([
                .classed(time, "time"), .classed(level, level == "error" ? "problem" : level == "warning" ? "warning" : ""),
                .classed(message, "long"), .classed(fields.isEmpty ? "" : JSONValue.object(fields).compactText, "long"),
            ])
        }
        html.raw("</table>")
    }

    static func pretty(_ value: JSONValue) -> String {
        guard let data = try? value.encoded(),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return value.compactText }
        return String(decoding: pretty, as: UTF8.self)
    }
}

/// The history table's line of detail per event.
enum EventDetails {
    static let summary = EventSummary(time: Layout.time, duration: Layout.duration, valueLimit: 300)

    static func text(_ event: HistoryEvent) -> String { summary.text(event) }
}

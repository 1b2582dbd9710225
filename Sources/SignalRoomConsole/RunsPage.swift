import Foundation
import SignalRoomCore
import SignalRoomEngine

/// `/runs`: open runs, then closed runs newest first, filtered by status, type, schedule,
/// start time and id, a page at a time. A page asks the store for `limit` closed runs
/// (`newestClosedRuns`), so it costs the same over 100 runs or 100,000.
struct RunsPage {
    let data: any ConsoleData
    let request: ConsoleRequest

    static let statuses = ["open", "completed", "failed", "canceled", "terminated"]
    static let defaultLimit = 50
    static let maximumLimit = 500

    func render() throws -> ConsoleResponse {
        let status = request.value("status")
        if let status, !Self.statuses.contains(status) {
            throw ConsoleProblem.badRequest("status \"\(status)\" is not one of \(Self.statuses.joined(separator: ", "))")
        }
        let limit =
            try request.value("limit").map { text in
                guard let limit = Int(text), (1...Self.maximumLimit).contains(limit) else {
                    throw ConsoleProblem.badRequest("limit \"\(text)\" is not a number from 1 to \(Self.maximumLimit)")
                }
                return limit
            } ?? Self.defaultLimit
        var query = ClosedRunQuery(
            limit: limit, workflowType: request.value("type"),
            statuses: status.flatMap { $0 == "open" ? [] : RunStatus(rawValue: $0).map { [$0] } },
            idContains: request.value("q"), scheduleId: request.value("schedule"),
            startedFrom: try instant("from", endOfDay: false), startedBefore: try instant("to", endOfDay: true))
        if let after = request.value("after") { query.after = try position(after) }
        let store = try data.store()
        let closed = try store.newestClosedRuns(query)
        // Open runs are few (one per id at most) and shown whole on the first page.
        let open: [OpenRunEntry] =
            query.after != nil || (status != nil && status != "open")
            ? [] : try store.openRuns().filter { matches($0, query) }.sorted { $0.startTime > $1.startTime }

        var html = HTML()
        filterForm(&html, status: status, limit: limit)
        if !open.isEmpty {
            html.raw("<h2>Open (\(open.count))</h2><table>")
            html.header(["status", "workflow id", "type", "started", "wake-up"])
            let now = Date()
            for entry in open {
                let state = store.isClaimed(entry.run) ? "running" : entry.wakeUpTime.map { $0 > now ? "parked" : "ready" } ?? "ready"
                html.row([
                    .classed(state, "status \(state)"), .markup(runLink(entry.workflowId, entry.runId)), .text(entry.workflowType),
                    .classed(Layout.time(entry.startTime), "time"), .classed(entry.wakeUpTime.map(Layout.time) ?? "-", "time"),
                ])
            }
            html.raw("</table>")
        }
        if status != "open" {
            html.raw("<h2>Closed</h2>")
            if closed.isEmpty {
                html.raw("<p class=\"muted\">No closed runs match.</p>")
            } else {
                html.raw("<table>")
                html.header(["status", "workflow id", "type", "started", "closed", "took"])
                for entry in closed {
                    html.row([
                        .classed(entry.status.rawValue, "status \(entry.status.rawValue)"), .markup(runLink(entry.workflowId, entry.runId)),
                        .text(entry.workflowType), .classed(Layout.time(entry.startTime), "time"), .classed(Layout.time(entry.closeTime), "time"),
                        .classed(Layout.duration(entry.closeTime.timeIntervalSince(entry.startTime)), "num"),
                    ])
                }
                html.raw("</table>")
            }
            html.raw("<div class=\"paging\">")
            if query.after != nil { html.link("/runs" + pageQuery(after: nil), "Newest") }
            if closed.count == limit, let last = closed.last {
                html.link("/runs" + pageQuery(after: "\(Timestamp.format(last.startTime))~\(last.runId)"), "Older runs →")
            }
            html.raw("</div>")
        }
        return ConsoleResponse(body: Layout.page(title: "Runs", section: "runs", body: html))
    }

    private func matches(_ entry: OpenRunEntry, _ query: ClosedRunQuery) -> Bool {
        var probe = query
        probe.statuses = nil
        probe.after = nil
        return probe.matches(
            ClosedRunEntry(
                workflowId: entry.workflowId, runId: entry.runId, workflowType: entry.workflowType, status: .completed,
                startTime: entry.startTime, closeTime: entry.startTime))
    }

    private func filterForm(_ html: inout HTML, status: String?, limit: Int) {
        html.raw("<form class=\"filters\" method=\"get\" action=\"/runs\">")
        html.raw("<label>status<select name=\"status\"><option value=\"\">any</option>")
        for option in Self.statuses {
            html.raw("<option\(option == status ? " selected" : "")>\(option)</option>")
        }
        html.raw("</select></label>")
        for (name, label, hint) in [
            ("type", "workflow type", "SyncSourceWorkflow"), ("schedule", "schedule", "schedule id"), ("from", "started from", "YYYY-MM-DD"),
            ("to", "started to", "YYYY-MM-DD"), ("q", "id contains", "text"),
        ] {
            html.raw("<label>\(label)<input name=\"\(name)\" placeholder=\"\(hint)\" value=\"")
            html.text(request.value(name) ?? "")
            html.raw("\"></label>")
        }
        if limit != Self.defaultLimit { html.raw("<input type=\"hidden\" name=\"limit\" value=\"\(limit)\">") }
        html.raw("<button type=\"submit\">Filter</button> <a href=\"/runs\">clear</a></form>")
    }

    private func pageQuery(after: String?) -> String {
        HTML.query(
            ["status", "type", "schedule", "from", "to", "q", "limit"].map { ($0, request.value($0)) } + [("after", after)])
    }

    /// `YYYY-MM-DD` (the whole UTC day, so `to` includes it) or an ISO 8601 instant.
    private func instant(_ name: String, endOfDay: Bool) throws -> Date? {
        guard let text = request.value(name) else { return nil }
        if text.count == 10, let day = Timestamp.parse(text + "T00:00:00Z") { return endOfDay ? day.addingTimeInterval(86_400) : day }
        if let instant = Timestamp.parse(text) { return instant }
        throw ConsoleProblem.badRequest("\(name) \"\(text)\" is not a date (YYYY-MM-DD) or an ISO 8601 instant")
    }

    private func position(_ text: String) throws -> ClosedRunQuery.Position {
        let parts = text.split(separator: "~", maxSplits: 1).map(String.init)
        guard parts.count == 2, let start = Timestamp.parse(parts[0]) else {
            throw ConsoleProblem.badRequest("after \"\(text)\" is not a page position; follow the Older runs link instead")
        }
        return ClosedRunQuery.Position(startTime: start, runId: parts[1])
    }
}

func runLink(_ workflowId: String, _ runId: String?) -> String {
    var html = HTML()
    html.link("/runs/\(HTML.component(workflowId))" + (runId.map { "/" + HTML.component($0) } ?? ""), workflowId)
    return html.output
}

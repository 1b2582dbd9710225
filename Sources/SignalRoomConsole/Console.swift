import Foundation

/// The read-only web console (`signalroom ui`): routes a request to its page. Nothing here
/// changes the state; a request that is not GET or HEAD is refused, and an error becomes a
/// page with one escaped line, never a crash.
public struct Console: Sendable {
    let data: any ConsoleData
    let access: ConsoleAccess

    public init(data: any ConsoleData, access: ConsoleAccess) {
        self.data = data
        self.access = access
    }

    /// The answer, with the time spent on it in a `Server-Timing` header (what a browser's
    /// network panel and bench/console read).
    public func respond(to request: ConsoleRequest) async -> ConsoleResponse {
        let started = ContinuousClock.now
        var response = await answer(request)
        let elapsed = started.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers.append(("Server-Timing", String(format: "page;dur=%.2f", milliseconds)))
        return response
    }

    private func answer(_ request: ConsoleRequest) async -> ConsoleResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return problemPage(ConsoleProblem(status: 405, message: "the console only reads: \(request.method) is not accepted"))
        }
        switch access.decide(request) {
        case .refused(let problem): return problemPage(problem)
        case .remember(let token):
            var query = request.query
            query["token"] = nil
            let path = "/" + request.segments.map(HTML.component).joined(separator: "/")
            return .redirect(
                path + HTML.query(query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                headers: [("Set-Cookie", "\(ConsoleAccess.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict")])
        case .allowed: break
        }
        do {
            return try await route(request)
        } catch let problem as ConsoleProblem {
            return problemPage(problem)
        } catch {
            return problemPage(ConsoleProblem(status: 500, message: data.pageFailed(error)))
        }
    }

    private func route(_ request: ConsoleRequest) async throws -> ConsoleResponse {
        let segments = request.segments
        switch (segments.first, segments.count) {
        case (nil, _): return .redirect("/runs")
        case ("console.css", 1): return ConsoleResponse(contentType: "text/css; charset=utf-8", body: Layout.css)
        case ("runs", 1): return try RunsPage(data: data, request: request).render()
        case ("runs", 2), ("runs", 3):
            return try RunPage(data: data, workflowId: segments[1], runId: segments.count == 3 ? segments[2] : nil).render()
        case ("schedules", 1): return try SchedulesPage(data: data).render()
        case ("schedules", 2): return try SchedulePage(data: data, id: segments[1]).render()
        case ("pipelines", 1): return await PipelinesPage(data: data).render()
        case ("pipelines", 2): return try await PipelinePage(data: data, name: segments[1]).render()
        case ("reports", 1): return ReportsPage(data: data).render()
        case ("reports", 2): return try await ReportPage(data: data, name: segments[1], request: request).render()
        case ("health", 1): return await HealthPage(data: data).render()
        default:
            throw ConsoleProblem.notFound(
                "no page at /\(segments.joined(separator: "/")); the console has /runs, /schedules, /pipelines, /reports and /health")
        }
    }

    private func problemPage(_ problem: ConsoleProblem) -> ConsoleResponse {
        var html = HTML()
        html.element("p", problem.message, class: "problem")
        html.raw("<p><a href=\"/runs\">Runs</a></p>")
        return ConsoleResponse(status: problem.status, body: Layout.page(title: problem.title, section: nil, body: html))
    }
}

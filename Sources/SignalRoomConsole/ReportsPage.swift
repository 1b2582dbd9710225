import Foundation

/// `/reports`: the project's reports with their channels and parameters.
struct ReportsPage {
    let data: any ConsoleData

    func render() -> ConsoleResponse {
        var html = HTML()
        html.raw("<table>")
        html.header(["report", "description", "channels", "parameters"])
        for report in data.reports() {
            var name = HTML()
            name.link("/reports/\(HTML.component(report.name))", report.name)
            html.row([
                .markup(name.output), .text(report.description), .text(report.channels.joined(separator: ", ")),
                .text(report.parameters.joined(separator: ", ")),
            ])
        }
        html.raw("</table>")
        return ConsoleResponse(body: Layout.page(title: "Reports", section: "reports", body: html))
    }
}

/// `/reports/NAME?date=&channel=`: the report rendered for that date and channel, exactly
/// as `signalroom report` prints it (never sent).
struct ReportPage {
    let data: any ConsoleData
    let name: String
    let request: ConsoleRequest

    func render() async throws -> ConsoleResponse {
        guard let report = data.reports().first(where: { $0.name == name }) else {
            throw ConsoleProblem.notFound("no report \(name); /reports lists the reports")
        }
        let date = request.value("date")
        if let date, !(date == "today" || date == "yesterday" || (date.count == 10 && date.allSatisfy { $0.isNumber || $0 == "-" })) {
            throw ConsoleProblem.badRequest("date \"\(date)\" is not YYYY-MM-DD, yesterday or today")
        }
        let channels = report.channels.isEmpty ? ["stdout"] : report.channels + ["stdout"]
        let channel = request.value("channel")
        if let channel, !channels.contains(channel) {
            throw ConsoleProblem.badRequest("report \(name) has no channel \"\(channel)\"; its channels are \(channels.joined(separator: ", "))")
        }
        var html = HTML()
        html.element("p", report.description, class: "muted")
        html.raw("<form class=\"filters\" method=\"get\" action=\"/reports/\(HTML.escaped(HTML.component(name)))\">")
        html.raw("<label>date<input name=\"date\" placeholder=\"yesterday\" value=\"")
        html.text(date ?? "")
        html.raw("\"></label><label>channel<select name=\"channel\">")
        for option in channels {
            html.raw("<option\(option == (channel ?? channels[0]) ? " selected" : "")>")
            html.text(option)
            html.raw("</option>")
        }
        html.raw("</select></label><button type=\"submit\">Render</button></form>")
        do {
            let text = try await data.renderReport(name, date: date, channel: channel)
            html.raw("<pre class=\"report\">")
            html.text(text)
            html.raw("</pre>")
        } catch {
            html.element("p", "\(error)", class: "problem")
        }
        return ConsoleResponse(body: Layout.page(title: name, section: "reports", body: html))
    }
}

/// `/health`: what `signalroom doctor` says, including when `run-due` last ran.
struct HealthPage {
    let data: any ConsoleData

    func render() async -> ConsoleResponse {
        let checks = await data.health()
        var html = HTML()
        let worst = checks.contains { $0.status == "problem" } ? "problem" : checks.contains { $0.status == "warning" } ? "warning" : "ok"
        html.raw(
            "<p class=\"status \(worst)\">\(worst == "ok" ? "Everything checked is fine." : worst == "warning" ? "Some checks want attention." : "Something is wrong.")</p><table>"
        )
        html.header(["status", "check", "what it found"])
        for check in checks {
            html.row([.classed(check.status, "status \(check.status)"), .text(check.check), .text(check.message)])
        }
        html.raw("</table>")
        return ConsoleResponse(body: Layout.page(title: "Health", section: "health", body: html))
    }
}

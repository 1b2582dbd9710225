import Foundation
import SignalRoomCore

/// The frame every page shares, and the one stylesheet (served from the binary, so the
/// console works offline and the policy can forbid inline styles).
enum Layout {
    static let sections = [("runs", "Runs"), ("schedules", "Schedules"), ("pipelines", "Pipelines"), ("reports", "Reports"), ("health", "Health")]

    static func page(title: String, section: String?, body: HTML) -> String {
        var html = HTML()
        html.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        html.text(title)
        html.raw(" · SignalRoom</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.raw("<link rel=\"stylesheet\" href=\"/console.css\"></head><body><header><a class=\"brand\" href=\"/runs\">SignalRoom</a><nav>")
        for (path, label) in sections {
            html.raw("<a href=\"/\(path)\"\(path == section ? " class=\"current\"" : "")>\(label)</a>")
        }
        html.raw("</nav></header><main><h1>")
        html.text(title)
        html.raw("</h1>\n")
        html.raw(body.output)
        html.raw("</main></body></html>\n")
        return html.output
    }

    /// `2026-12-03 16:05:25Z`. Built from the timestamp's bytes: a run page writes one per
    /// event, and `replacingOccurrences` (Foundation's NSString path) took a fifth of a
    /// 10,001-event page's time (perf, bench/console).
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        var bytes = Array(Timestamp.format(date).utf8.prefix(19))
        if bytes.count > 10 { bytes[10] = 0x20 }
        bytes.append(0x5A)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `850 ms`, `12.5 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`; without `String(format:)`,
    /// which cost 15 % of a 10,001-event page.
    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((max(0, seconds) * 1000).rounded())) ms" }
        if seconds < 60 { return tenths(seconds) + " s" }
        let total = Int(seconds)
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        if total < 86_400 { return "\(total / 3600) h \(total % 3600 / 60) min" }
        return "\(total / 86_400) d \(total % 86_400 / 3600) h"
    }

    /// `12.5`: one decimal, for durations and SVG coordinates.
    static func tenths(_ value: Double) -> String {
        let scaled = Int((value * 10).rounded())
        let sign = scaled < 0 ? "-" : ""
        return "\(sign)\(abs(scaled) / 10).\(abs(scaled) % 10)"
    }

    static let css = """
        :root { --ink: #1d2330; --muted: #5f6b7a; --line: #dde2e8; --bg: #f7f8fa; --ok: #1f7a3f; --bad: #b42318; --warn: #a15c00; --run: #175cd3; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
        header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #1d2330; }
        header a { color: #cfd6e0; text-decoration: none; }
        header a.brand { color: #fff; font-weight: 600; }
        header nav { display: flex; gap: 16px; }
        header nav a.current { color: #fff; border-bottom: 2px solid #fff; }
        main { padding: 16px 24px 48px; max-width: 1400px; }
        h1 { font-size: 20px; margin: 4px 0 12px; overflow-wrap: anywhere; }
        h2 { font-size: 16px; margin: 24px 0 8px; }
        table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); width: 100%; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
        th { background: #eef1f5; font-weight: 600; font-size: 13px; white-space: nowrap; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.time { white-space: nowrap; }
        td.long { overflow-wrap: anywhere; min-width: 16em; }
        pre, code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
        pre { background: #fff; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; border: 1px solid var(--line); padding: 10px; margin: 0; }
        dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
        a { color: var(--run); }
        .status { font-weight: 600; }
        .completed, .ok { color: var(--ok); } .failed, .terminated, .problem { color: var(--bad); }
        .canceled, .warning, .parked { color: var(--warn); } .running, .ready { color: var(--run); }
        p.problem { background: #fff; border: 1px solid var(--bad); padding: 8px 12px; }
        form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
        form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
        input, select, button { font: inherit; padding: 3px 6px; }
        .muted { color: var(--muted); }
        .paging { margin: 10px 0; display: flex; gap: 16px; }
        svg.timeline { background: #fff; border: 1px solid var(--line); width: 100%; height: auto; }
        svg .label { font: 11px system-ui, sans-serif; fill: var(--ink); }
        svg .axis { font: 10px system-ui, sans-serif; fill: var(--muted); }
        svg .grid { stroke: var(--line); }
        svg .attempt-completed { fill: #3a9a5b; } svg .attempt-failed { fill: #d9534f; } svg .attempt-timedout { fill: #e08a1e; }
        svg .attempt-running { fill: #4a84e0; } svg .attempt-canceled { fill: #9aa4b1; } svg .attempt-died { fill: #7a2e8e; }
        svg .waiting { fill: #c8d0da; } svg .timer { fill: #8fb3e8; } svg .heartbeat { stroke: #1d2330; stroke-width: 1; }
        .legend span { margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
        .legend .attempt-completed { background: #3a9a5b; } .legend .attempt-failed { background: #d9534f; } .legend .attempt-timedout { background: #e08a1e; }
        .legend .attempt-running { background: #4a84e0; } .legend .attempt-died { background: #7a2e8e; } .legend .waiting { background: #c8d0da; } .legend .timer { background: #8fb3e8; }
        .dst { color: var(--warn); font-weight: 600; }
        """
}

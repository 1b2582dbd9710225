import Foundation
import Testing

/// The console in a real browser: Debian's headless Chromium loads each page, the test follows
/// the links from the runs to a run to its schedule as they are in the parsed page, checks
/// what is shown and that the page broke none of its own Content-Security-Policy, and takes a
/// screenshot of each page. Skipped, with the reason shown, only where no Chromium is
/// installed (scripts/test installs Debian's).
struct ConsoleBrowserTests {
    static let chromium: String? = {
        if let path = ProcessInfo.processInfo.environment["SIGNALROOM_TEST_CHROMIUM"], !path.isEmpty { return path }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "chrome-headless-shell"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }()

    struct Loaded {
        var dom: String
        var console: [String]
    }

    /// Loads `url` in a fresh headless Chromium and returns the DOM it built and the
    /// messages the page left on the browser's console.
    static func load(_ url: String, _ cli: CLIHarness, screenshot: URL? = nil) async throws -> Loaded {
        let profile = cli.root.appendingPathComponent("chromium-\(UUID().uuidString)").path
        var arguments = [
            chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
            "--enable-logging=stderr", "--v=0", "--window-size=1280,900", "--hide-scrollbars", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps", "--disable-sync",
            "--no-default-browser-check", "--mute-audio",
        ]
        arguments += screenshot.map { ["--screenshot=\($0.path)"] } ?? ["--dump-dom"]
        let result = try await cli.runTool(["timeout", "90"] + arguments + [url])
        try #require(result.status == 0, "chromium \(url) exited \(result.status): \(result.stderr.suffix(2000))")
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Loaded(dom: result.stdout, console: console)
    }

    @Test(.enabled(if: chromium != nil, "no Chromium found (apt-get install chromium, or set SIGNALROOM_TEST_CHROMIUM)"))
    func aPersonFollowsRunsToARunToItsScheduleInChromium() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try await ConsoleTests.populate(fixture)
            let console = try await ConsoleHarness.start(fixture.cli, environment: fixture.environment)
            defer { console.stop() }
            let shots =
                ProcessInfo.processInfo.environment["SIGNALROOM_TEST_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
                ?? fixture.cli.root.appendingPathComponent("screenshots")
            try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

            /// Loads the page and, with `shot`, takes its screenshot (a second browser start, so
            /// only for the pages the walk is about).
            func visit(_ path: String, _ name: String, shot: Bool = false) async throws -> String {
                let page = try await Self.load(console.baseURL + path, fixture.cli)
                #expect(page.console.isEmpty, "\(path) logged on the browser console: \(page.console)")
                #expect(page.dom.contains("<main>") && page.dom.contains("SignalRoom"), "\(path): \(page.dom.prefix(500))")
                #expect(!page.dom.contains("<script"), "\(path): the parsed page has a script element")
                guard shot else { return page.dom }
                let file = shots.appendingPathComponent("\(name).png")
                _ = try await Self.load(console.baseURL + path, fixture.cli, screenshot: file)
                let png = try Data(contentsOf: file)
                #expect(png.count > 5_000 && png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(name).png")
                return page.dom
            }

            let runs = try await visit("/runs", "runs", shot: true)
            #expect(runs.contains("class=\"status failed\"") && runs.contains("class=\"status parked\""))
            let runPath = try #require(ConsoleHarness.links(runs).first { $0.hasPrefix("/runs/monthly-") }, "a scheduled run is listed")
            let run = try await visit(runPath, "run", shot: true)
            #expect(run.contains("<svg class=\"timeline\"") && run.contains("<rect class=\"attempt-completed\""), "the timeline is drawn")
            #expect(run.contains("WorkflowExecutionCompleted"))
            let schedulePath = try #require(ConsoleHarness.links(run).first { $0.hasPrefix("/schedules/") }, "the run links to its schedule")
            #expect(schedulePath == "/schedules/monthly")
            let schedule = try await visit(schedulePath, "schedule", shot: true)
            #expect(schedule.contains("daylight-saving change") && schedule.contains("America/New_York"))
            let failed = try await visit("/runs/fails", "run-failed")
            #expect(failed.contains("attempt-failed") && failed.contains("DemoFailure"))
            let pipeline = try await visit("/pipelines/files", "pipeline", shot: true)
            #expect(pipeline.contains("source field") && pipeline.contains("/runs/sync-files/"))
            _ = try await visit("/schedules", "schedules")
            _ = try await visit("/pipelines", "pipelines")
            _ = try await visit("/reports/sample_orders?date=2024-12-02&channel=stdout", "report")
            let health = try await visit("/health", "health")
            #expect(health.contains("run-due"))
        }
    }
}

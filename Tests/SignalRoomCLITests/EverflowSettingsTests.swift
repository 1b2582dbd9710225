import Foundation
import Testing

/// Everflow's settings enter once: REPORT_TIMEZONE decides both the day window and the
/// `timezone_id` sent, and the advertisers have one default.
@Suite(.serialized)
struct EverflowSettingsTests {
    private let base = ["EVERFLOW_API_KEY": "ef-key", "EVERFLOW_BASE_URL": "http://127.0.0.1:9", "EVERFLOW_START_DATE": "2026-01-01"]

    @Test func aReportZoneWithoutAKnownEverflowIdIsRefusedNamingTheSetting() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        var environment = base
        environment["REPORT_TIMEZONE"] = "America/Chicago"
        let result = try await cli.run(["sync", "everflow", "--dry-run"], environment: environment)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        #expect(
            result.stderr.contains("REPORT_TIMEZONE is \"America/Chicago\"") && result.stderr.contains("America/New_York (80)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        // RedTrack takes the zone by name: the same setting is fine there.
        let redtrack = try await cli.run(
            ["sync", "redtrack", "--dry-run"],
            environment: ["REDTRACK_API_KEY": "rt", "REPORT_TIMEZONE": "America/Chicago", "REDTRACK_START_DATE": "2026-01-01"])
        #expect(redtrack.status == 0, "\(redtrack.stderr)")
    }

    @Test func theRequestCarriesTheZonesIdAndTheOneDefaultOfAdvertisers() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        for (zone, shown) in [(nil, "timezone_id 80, America/New_York"), ("US/Eastern", "timezone_id 80, US/Eastern")] {
            var environment = base
            environment["REPORT_TIMEZONE"] = zone
            let plan = try await cli.run(["sync", "everflow", "--dry-run"], environment: environment)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains(shown) && plan.stdout.contains("advertisers 1, 2"), "\(plan.stdout)")
        }
        let sources = try await cli.run(["sources"])
        #expect(sources.stdout.contains("EVERFLOW_ADVERTISER_IDS: advertisers kept (comma-separated), default 1,2"), "\(sources.stdout)")
    }
}

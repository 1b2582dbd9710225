import Foundation
import Testing

/// A sync's notifications tell people about the sync; they never decide how it ends.
@Suite struct SyncAlertTests {
    @Test func aSyncRecordsItsOwnFailureWhenItsAlertCannotBeSent() async throws {
        try await SyncFixture.with(.sqlite) { fixture in
            try fixture.write("orders/orders_2024-12-01.csv", "id,amount\n1,2\n2,3,4\n")
            let broken = ["SIGNALROOM_ALERT_CHANNEL": "slack", "SLACK_BOT_TOKEN": "", "SLACK_WEBHOOK_URL": "", "SIGNALROOM_LOG_LEVEL": "critical"]
            let failed = try await fixture.sync(environment: broken)
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("line 3: 3 fields, the header has 2"), "\(failed.stderr)")
            #expect(!failed.stderr.contains("SLACK_BOT_TOKEN"), "\(failed.stderr)")
            let history = try fixture.cli.historyLines("sync-files")
            let failure = history.last { $0.eventType == "WorkflowExecutionFailed" }?.attributes["failure"] as? [String: Any]
            #expect((failure?["message"] as? String)?.contains("3 fields, the header has 2") == true)

            try fixture.write("orders/orders_2024-12-01.csv", "id,amount\n1,2\n2,3\n")
            let fixed = try await fixture.sync(environment: broken)
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(!fixed.stderr.contains("resuming"), "a load stopped by bad data has nothing to resume")
        }
    }
}

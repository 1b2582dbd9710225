import Foundation
import Testing

/// Every error is one line on stderr (cron mails it, scripts grep it), with the cause in it.
@Suite struct OneLineErrorTests {
    private let quiet = ["SIGNALROOM_LOG_LEVEL": "critical"]

    @Test func aFailedWorkflowIsOneLineWithItsCause() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let result = try await cli.run(
            [
                "workflow", "start", "demo", "--id", "f",
                "--input", demoInput(["failStep": 1, "failTimes": 9, "failNonRetryable": true]),
            ],
            environment: quiet)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains("workflow f (run ") == true)
        #expect(lines.first?.contains("failed: activity DemoStep failed after 1 attempt (nonRetryableFailure): step 1 failed on attempt 1") == true)
        #expect(lines.first?.hasSuffix("[DemoFailure]") == true, "\(result.stderr)")
    }

    @Test(arguments: [#"{"steps":"x"}"#, #"{"steps":3,}"#, #"{"name":7}"#, #"[1]"#])
    func aMalformedInputIsOneLineWithoutSwiftsDecodingWords(input: String) async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let result = try await cli.run(["workflow", "start", "demo", "--input", input], environment: quiet)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        for word in ["DecodingError", "dataCorrupted", "typeMismatch", "codingPath", "CodingKeys"] {
            #expect(!result.stderr.contains(word), "\(result.stderr)")
        }
    }
}

import Foundation
import Testing

extension CLIHarness {
    /// Writes `entries` as schedules.json and registers them as of `now`.
    func setUpSchedules(_ entries: [[String: Any]], now: String) async throws {
        let path = root.appendingPathComponent("schedules.json")
        try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys]).write(to: path)
        let result = try await run(["schedule-setup", "--file", path.path, "--now", now])
        #expect(result.status == 0, "\(result.stderr)")
    }
}

import Foundation
import Testing

/// `schedule-setup` checks schedules.json as strictly as a person needs: what it refuses it
/// names (schedule, field or byte), and a refused file registers nothing.
@Suite(.serialized)
struct ScheduleSetupValidationTests {
    private func setup(_ cli: CLIHarness, bytes: Data) async throws -> CLIHarness.Result {
        let file = cli.root.appendingPathComponent("schedules.json")
        try bytes.write(to: file)
        return try await cli.run(["schedule-setup", "--file", file.path])
    }

    private func registered(_ cli: CLIHarness) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: cli.state.appendingPathComponent("schedules").path)) ?? []
    }

    @Test func aDuplicateMemberOrBytesThatAreNotUTF8AreRefusedNamingTheScheduleAndByte() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let duplicate = #"[{"id": "first", "cron": "0 * * * *", "workflow": "demo"}, {"id": "daily", "cron": "0 6 * * *", "workflow": "demo", "cron": "0 7 * * *"}]"#
        let offset = duplicate.utf8.count - #""cron": "0 7 * * *"}]"#.utf8.count
        let twice = try await setup(cli, bytes: Data(duplicate.utf8))
        #expect(twice.status == 2, "\(twice.stderr)")
        #expect(twice.stderr.contains("schedule `daily`") && twice.stderr.contains("`cron` appears twice") && twice.stderr.contains("byte \(offset)"), "\(twice.stderr)")
        #expect(twice.stderr.split(separator: "\n").count == 1, "\(twice.stderr)")

        var latin1 = Data(#"[{"id": "first", "cron": "0 * * * *", "workflow": "demo"}, {"id": "caf"#.utf8)
        let badByte = latin1.count
        latin1.append(0xE9) // é in Latin-1
        latin1.append(contentsOf: Data(#"", "cron": "0 6 * * *", "workflow": "demo", "note": "x"}]"#.utf8))
        let notUTF8 = try await setup(cli, bytes: latin1)
        #expect(notUTF8.status == 2, "\(notUTF8.stderr)")
        #expect(notUTF8.stderr.contains("schedule `caf") && notUTF8.stderr.contains("not UTF-8") && notUTF8.stderr.contains("byte \(badByte)"), "\(notUTF8.stderr)")

        var inNote = Data(#"[{"id": "noted", "cron": "0 6 * * *", "workflow": "demo", "note": "a\n"#.utf8)
        let noteByte = inNote.count
        inNote.append(contentsOf: [0xFF, 0x22, 0x7D, 0x5D])
        let badNote = try await setup(cli, bytes: inNote)
        #expect(badNote.status == 2 && badNote.stderr.contains("schedule `noted`") && badNote.stderr.contains("byte \(noteByte)"), "\(badNote.stderr)")

        let nested = try await setup(cli, bytes: Data(#"[{"id": "n", "cron": "0 6 * * *", "workflow": "demo", "input": {"steps": 1, "steps": 2}}]"#.utf8))
        #expect(nested.status == 2 && nested.stderr.contains("schedule `n`") && nested.stderr.contains("`steps` appears twice"), "\(nested.stderr)")
        #expect(registered(cli).isEmpty, "nothing registered: \(registered(cli))")
    }
}

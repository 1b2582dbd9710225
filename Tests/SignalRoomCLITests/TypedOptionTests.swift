import Foundation
import Testing

/// Typed options: `--help` lists the values an option takes, and a refused value is one line
/// naming the option, the value and what is allowed, exit 2, before anything runs.
@Suite(.serialized)
struct TypedOptionTests {
    private func refusedInOneLine(_ result: CLIHarness.Result, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "exit 2: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(result.stderr.contains(part), "mentions \(part): \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!result.stderr.contains("The value '"), "worded by SignalRoom, not ArgumentParser: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func helpListsTheValuesOfEveryChoiceOption() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        // Help wraps its lines; the values are compared with the wrapping undone.
        func help(_ arguments: [String]) async throws -> String {
            try await cli.run(arguments + ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let list = try await help(["workflow", "list"])
        for value in [
            "trace, debug, info, notice, warning, error, critical", "text or json",
            "open, running, parked, ready, closed, completed, failed, canceled, terminated", "SyncSourceWorkflow",
        ] {
            #expect(list.contains(value), "\(value) in \(list)")
        }
        let report = try await help(["report"])
        #expect(report.contains("slack, email, sms, stdout"), "\(report)")
        let runDue = try await help(["run-due"])
        #expect(runDue.contains("--max-duration <duration>") && runDue.contains("(default: 50m)"), "\(runDue)")
    }

    @Test func aRefusedChoiceNamesTheOptionTheValueAndTheAllowedOnes() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let levels = "trace, debug, info, notice, warning, error, critical"
        refusedInOneLine(try await cli.run(["workflow", "list", "--log-level", "loud"]), mentioning: ["--log-level", "\"loud\"", levels])
        refusedInOneLine(try await cli.run(["--log-level", "loud", "workflow", "list"]), mentioning: ["--log-level", "\"loud\"", levels])
        refusedInOneLine(try await cli.run(["workflow", "list", "--log-format", "xml"]), mentioning: ["--log-format", "\"xml\"", "text or json"])
        refusedInOneLine(try await cli.run(["workflow", "list", "--status", "done"]), mentioning: ["--status", "\"done\"", "completed, failed"])
        refusedInOneLine(
            try await cli.run(["workflow", "list", "--workflow-type", "Nope"]), mentioning: ["--workflow-type", "\"Nope\"", "SyncSourceWorkflow"])
        refusedInOneLine(try await cli.run(["workflow", "list", "--park-after", "soon"]), mentioning: ["--park-after", "\"soon\"", "seconds"])
        refusedInOneLine(
            try await cli.run(["report", "daily_ccw", "--channel", "fax"]), mentioning: ["--channel", "\"fax\"", "slack, email, sms, stdout"])
        refusedInOneLine(
            try await cli.run(["report", "daily_ccw", "--date", "tomorrow"]),
            mentioning: ["--date", "\"tomorrow\"", "YYYY-MM-DD, yesterday or today"])
        refusedInOneLine(try await cli.run(["workflow", "prune", "--retention", "30"]), mentioning: ["--retention \"30\"", "30d"])
        refusedInOneLine(
            try await cli.run(["schedule", "next", "--cron", "* * * * *", "--after", "noon"]), mentioning: ["--after \"noon\"", "ISO 8601"])
        refusedInOneLine(try await cli.run(["sync", "files", "--end-date", "2026-13-01"]), mentioning: ["--end-date \"2026-13-01\"", "YYYY-MM-DD"])
    }

    @Test func structuredOptionsAreReadBeforeAnythingRunsAndARefusalNamesTheOptionAndValue() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        refusedInOneLine(try await cli.run(["report", "daily_ccw", "--param", "region"]), mentioning: ["--param \"region\"", "name=value"])
        refusedInOneLine(try await cli.run(["report", "daily_ccw", "--param", "=eu"]), mentioning: ["--param \"=eu\"", "name=value"])
        refusedInOneLine(try await cli.run(["sync", "files", "--resources", " , "]), mentioning: ["--resources", "names nothing"])
        refusedInOneLine(
            try await cli.run(["workflow", "start", "demo", "--input", "{\"steps\": 2, \"steps\": 3}"]),
            mentioning: ["--input is not valid JSON", "steps"])
        refusedInOneLine(try await cli.run(["schedule", "next", "--cron", "61 * * * *"]), mentioning: ["--cron \"61 * * * *\""])
        refusedInOneLine(
            try await cli.run(["schedule", "next", "--cron", "0 7 * * *", "--timezone", "Mars/Olympus"]),
            mentioning: ["--timezone \"Mars/Olympus\"", "IANA"])
        refusedInOneLine(try await cli.run(["schedule", "next", "daily", "--timezone", "UTC"]), mentioning: ["--timezone applies to --cron"])
        // An empty value stays a value: `name=` passes the empty string to the report.
        let zoned = try await cli.run([
            "schedule", "next", "--cron", "0 7 * * *", "--timezone", "America/New_York", "--after", "2026-07-01T00:00:00Z", "--count", "1",
        ])
        #expect(
            zoned.status == 0 && zoned.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2026-07-01T11:00:00Z",
            "\(zoned.stdout)\(zoned.stderr)")
    }

    @Test func environmentVariablesBehindTypedOptionsKeepTheirOwnErrors() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let cases: [(String, String, String)] = [
            ("SIGNALROOM_LOG_LEVEL", "loud", "trace, debug, info"),
            ("SIGNALROOM_LOG_FORMAT", "xml", "text or json"),
            ("SIGNALROOM_PARK_AFTER", "-1", "zero or more"),
        ]
        for (variable, value, allowed) in cases {
            let result = try await cli.run(["workflow", "list"], environment: [variable: value])
            #expect(
                result.status == 2 && result.stderr.contains(variable) && result.stderr.contains("\"\(value)\"") && result.stderr.contains(allowed),
                "\(variable): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            // The flag wins over a bad variable.
            let flag =
                variable == "SIGNALROOM_LOG_LEVEL"
                ? ["--log-level", "error"] : variable == "SIGNALROOM_LOG_FORMAT" ? ["--log-format", "text"] : ["--park-after", "1"]
            let overridden = try await cli.run(["schedule", "next", "--cron", "0 0 * * *", "--count", "1"] + flag, environment: [variable: value])
            #expect(overridden.status == 0, "\(flag) over \(variable)=\(value): \(overridden.stderr)")
        }
    }

    @Test func validTypedValuesBehaveAsTheirTextDid() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        #expect(try await cli.run(["workflow", "start", "demo", "--id", "kept"]).status == 0)
        let pruned = try await cli.run(["workflow", "prune", "--retention", "2w"])
        #expect(pruned.status == 0 && pruned.stdout.contains("older than 2w"), "the spelling given is repeated: \(pruned.stdout)")
        let upper = try await cli.run(["workflow", "list", "--log-level", "WARNING", "--status", "completed", "--workflow-type", "demo"])
        #expect(upper.status == 0 && upper.stdout.contains("kept"), "\(upper.stdout) \(upper.stderr)")
        let none = try await cli.run(["workflow", "list", "--status", "open"])
        #expect(none.status == 0 && none.stdout.contains("no runs"), "\(none.stdout)")
        let offset = try await cli.run(["schedule", "next", "--cron", "0 * * * *", "--after", "2026-03-07T12:30:00+02:00", "--count", "1"])
        #expect(offset.status == 0 && offset.stdout.contains("2026-03-07T11:00:00Z"), "\(offset.stdout) \(offset.stderr)")
    }
}

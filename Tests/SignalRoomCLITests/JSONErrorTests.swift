import Foundation
import Testing

/// With `--json`, a command's final error is one JSON object on stderr with its exit code's
/// number and name and the same message a person would read; stdout stays empty and the exit
/// code is the documented one.
@Suite struct JSONErrorTests {
    private func errorObject(_ result: CLIHarness.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout stays for results: \(result.stdout)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any]
        return try #require(object?["error"] as? [String: Any], "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func everyKindOfFailureIsOneJSONObjectWithItsCodeNameAndMessage() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(at: cli.state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let cases: [([String], Int32, String, String)] = [
            (["workflow", "describe", "no-such-run", "--json"], 4, "not_found", "no-such-run"),
            (["report", "daily_ccw", "--param", "region", "--json"], 2, "usage", "--param \"region\" is not name=value"),
            (["--json", "sync", "files"], 2, "usage", "FILES_SOURCE_DIR"),
            (["workflow", "start", "demo", "--input", "{\"steps\":", "--json"], 2, "usage", "--input is not valid JSON"),
            (["workflow", "list", "--status", "done", "--json"], 2, "usage", "not \"done\""),
        ]
        for (arguments, code, name, mentioned) in cases {
            let result = try await cli.run(arguments)
            #expect(result.status == code, "\(arguments): \(result.stderr)")
            let error = try errorObject(result)
            #expect(error["code"] as? Int == Int(code), "\(arguments): \(error)")
            #expect(error["name"] as? String == name, "\(arguments): \(error)")
            #expect((error["message"] as? String)?.contains(mentioned) == true, "\(arguments): \(error)")
        }
    }

    @Test func withoutJSONTheSameFailureIsTheTextLine() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let text = try await cli.run(["report", "daily_ccw", "--param", "region"])
        #expect(text.status == 2 && text.stderr.hasPrefix("signalroom: error: --param \"region\" is not name=value"), "\(text.stderr)")
        // `--json` as a value after `--` is not the flag.
        let quoted = try await cli.run(["report", "daily_ccw", "--param", "region", "--", "--json"])
        #expect(quoted.stderr.hasPrefix("signalroom: error: "), "\(quoted.stderr)")
    }
}

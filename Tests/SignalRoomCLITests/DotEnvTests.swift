import Foundation
import Testing

/// `.env` in the working directory, read by the common dotenv rules. The values are observed
/// through `SIGNALROOM_LOG_LEVEL`, whose error message quotes the value it was given.
@Suite(.serialized)
struct DotEnvTests {
    private func run(_ cli: CLIHarness, dotEnv: String, environment: [String: String] = [:]) async throws -> CLIHarness.Result {
        try Data(dotEnv.utf8).write(to: cli.root.appendingPathComponent(".env"))
        return try await cli.run(["schedule", "next", "--cron", "0 * * * *", "--count", "1"], environment: environment)
    }

    /// The value `.env` gave SIGNALROOM_LOG_LEVEL, read back from the error that refuses it.
    private func logLevel(_ cli: CLIHarness, dotEnv: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        let result = try await run(cli, dotEnv: dotEnv)
        guard result.status == 2, let range = result.stderr.range(of: "SIGNALROOM_LOG_LEVEL must be one of ") else {
            Issue.record("expected the log level to be refused: \(result.status) \(result.stderr)", sourceLocation: sourceLocation)
            return nil
        }
        let rest = result.stderr[range.upperBound...]
        guard let open = rest.range(of: ", not \"") else { return nil }
        return String(rest[open.upperBound...].dropLast(2))  // the closing quote and newline
    }

    @Test func valuesFollowTheDotenvRules() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let inlineComment = try await run(cli, dotEnv: "SIGNALROOM_LOG_LEVEL=warning   # quieter\n")
        #expect(inlineComment.status == 0, "an inline comment is not part of the value: \(inlineComment.stderr)")
        let cases: [(String, String)] = [
            ("export SIGNALROOM_LOG_LEVEL='no # pe \\t'\n", "no # pe \\t"),
            ("SIGNALROOM_LOG_LEVEL=\"x\\ty\\\"z\\\\\" # comment\n", "x\ty\"z\\"),
            ("SIGNALROOM_LOG_LEVEL=x#y\n", "x#y"),
            ("SIGNALROOM_LOG_LEVEL =  spaced out  \n", "spaced out"),
            ("SIGNALROOM_LOG_LEVEL=\n", ""),
            ("# a comment\n\n   # indented comment\nKEY=\"line one\nline two\"\nSIGNALROOM_LOG_LEVEL=after-multiline\n", "after-multiline"),
            ("SIGNALROOM_LOG_LEVEL=crlf\r\nOTHER=1\r\n", "crlf"),
            ("SIGNALROOM_LOG_LEVEL=first\nSIGNALROOM_LOG_LEVEL=last", "last"),
        ]
        for (text, expected) in cases {
            #expect(try await logLevel(cli, dotEnv: text) == expected, "\(text.debugDescription)")
        }
        // The real environment wins over .env.
        let overridden = try await run(cli, dotEnv: "SIGNALROOM_LOG_LEVEL=bad\n", environment: ["SIGNALROOM_LOG_LEVEL": "info"])
        #expect(overridden.status == 0, "\(overridden.stderr)")
    }

    @Test func aLineThatCannotBeReadIsAnErrorNamingItsLine() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let cases: [(String, String)] = [
            ("# fine\nSECRET_TOKEN sk-live-123\n", ".env line 2: `SECRET_TOKEN` is not followed by `=`"),
            ("A=1\nB=\"never closed\nC=3\n", ".env line 2: the double quote opened here is never closed"),
            ("A='x' y\n", ".env line 1: unexpected text after the value"),
            ("A=1\n\n1A=x\n", ".env line 3: `1A` is not a variable name"),
            ("=x\n", ".env line 1: has `=` but no key before it"),
        ]
        for (text, message) in cases {
            let result = try await run(cli, dotEnv: text)
            #expect(result.status == 2 && result.stderr.contains(message), "\(text.debugDescription): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(!result.stderr.contains("sk-live-123"), "the line itself may be a secret")
        }
        var bytes = Data("A=1\nB=2\nC=".utf8)
        bytes.append(contentsOf: [0xC3, 0x28, 0x0A])
        try bytes.write(to: cli.root.appendingPathComponent(".env"))
        let invalid = try await cli.run(["schedule", "next", "--cron", "0 * * * *", "--count", "1"])
        #expect(invalid.status == 2 && invalid.stderr.contains(".env line 3: is not UTF-8 text"), "\(invalid.stderr)")
    }

    @Test func dotEnvIsIgnoredByGit() throws {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let ignore = try String(contentsOf: package.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.split(separator: "\n").contains(".env"))
    }
}

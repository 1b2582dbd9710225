import Foundation
import Testing

/// The conventions a shell user expects (clig.dev): did-you-mean, -q/-v, completion scripts.
struct CLIConventionsTests {
    @Test func aMistypedCommandNamesTheClosestOneAndExitsTwo() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let top = try await cli.run(["wrkflow", "list"])
        #expect(top.status == 2)
        #expect(top.stderr == "signalroom: error: unknown command \"wrkflow\"; did you mean `signalroom workflow`?\n", "\(top.stderr)")
        let nested = try await cli.run(["workflow", "strat", "demo"])
        #expect(nested.status == 2)
        #expect(
            nested.stderr == "signalroom: error: unknown command \"strat\" for `signalroom workflow`; did you mean `signalroom workflow start`?\n",
            "\(nested.stderr)")
        let far = try await cli.run(["frobnicate"])
        #expect(far.status == 2 && far.stderr.contains("the commands are init, doctor, workflow,"), "\(far.stderr)")
        let json = try await cli.run(["--json", "wrkflow"])
        #expect(json.stderr.hasPrefix("{\"error\":{\"code\":2,"), "\(json.stderr)")
        // Arguments of a leaf command are not commands.
        let leaf = try await cli.run(["workflow", "describe", "no-such-id"])
        #expect(leaf.status == 4, "\(leaf.stderr)")
    }

    @Test func quietLeavesOnlyErrorsAndVerboseAddsDebugLines() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let environment = ["FILES_SOURCE_DIR": S3SyncTests.repository.appendingPathComponent("samples/exports").path]
        let verbose = try await cli.run(["-v", "sync", "files"], environment: environment)
        #expect(verbose.status == 0, "\(verbose.stderr)")
        #expect(verbose.stderr.contains("activity scheduled"), "debug lines with -v: \(verbose.stderr)")
        let quiet = try await cli.run(["sync", "files", "--full-refresh", "-q"], environment: environment)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.isEmpty, "nothing but errors with -q: \(quiet.stderr)")
        #expect(!quiet.stdout.isEmpty, "results still go to stdout")
        let both = try await cli.run(["sync", "files", "-q", "-v"], environment: environment)
        #expect(both.status == 2 && both.stderr.contains("-q/--quiet and -v/--verbose"), "\(both.stderr)")
    }

    @Test func completionPrintsEachShellsScriptAndRefusesOthers() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        for (shell, marker) in [("bash", "-F _signalroom signalroom"), ("zsh", "#compdef signalroom"), ("fish", "complete -c 'signalroom'")] {
            let result = try await cli.runTool([CLIHarness.binary, "completion", shell])
            #expect(result.status == 0 && result.stdout.contains(marker), "\(shell): \(result.stdout.prefix(200))")
            #expect(result.stdout.contains("schedule-setup"), "\(shell) completes the commands")
            if shell == "bash" {
                let script = cli.root.appendingPathComponent("completion.bash")
                try Data(result.stdout.utf8).write(to: script)
                let syntax = try await cli.runTool(["bash", "-n", script.path])
                #expect(syntax.status == 0, "bash reads it: \(syntax.stderr)")
            }
        }
        let other = try await cli.runTool([CLIHarness.binary, "completion", "tcsh"])
        #expect(other.status == 2 && other.stderr.contains("tcsh"), "\(other.stderr)")
    }
}

import Foundation
import SignalRoomCore
import SignalRoomRuntime
import SignalRoomWorkflows
import Testing

/// Configuration enters through one table: every variable the code names is a descriptor of
/// `ConfigurationTable`, read through it, and `signalroom sources` lists the same entries.
@Suite
struct ConfigurationTableTests {
    private static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every `.swift` file under Sources/, by path relative to it, with its comment lines
    /// dropped (a doc comment's `.env` example is not a setting).
    private static func sourceFiles() throws -> [(path: String, code: String)] {
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var files: [(String, String)] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let code = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            files.append((String(url.path.dropFirst(sources.path.count + 1)), code))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    private static func matches(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: match.numberOfRanges > 1 ? 1 : 0), in: text).map { String(text[$0]) }
        }
    }

    @Test func everyVariableNamedInTheSourcesIsInTheTableAndReadThroughIt() throws {
        let names = Set(ConfigurationTable.allVariables.map(\.name))
        let prefixes = Set(names.map { String($0.prefix { $0 != "_" }) }).sorted().joined(separator: "|")
        let files = try Self.sourceFiles()
        #expect(files.count > 100, "found the sources at \(Self.sources.path)")
        var unknown: [String] = []
        var literalReads: [String] = []
        for (path, code) in files {
            // A string that is a variable-like name, whatever its prefix, and any name with a
            // known prefix inside a message or help text.
            let quoted = try Self.matches(#""([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])""#, in: code)
            let mentioned = try Self.matches("\\b((?:\(prefixes))_[A-Z0-9_]*[A-Z0-9])\\b", in: code)
            unknown += Set(quoted + mentioned).subtracting(names).sorted().map { "\(path): \($0)" }
            // Readers take values through a descriptor, never `environment["NAME"]`.
            if !path.hasPrefix("SignalRoomCore/Configuration/"), try !Self.matches(#"nvironment(?:\(\))?\[""#, in: code).isEmpty {
                literalReads.append(path)
            }
        }
        #expect(unknown.isEmpty, "named in Sources/ but not in ConfigurationTable: \(unknown)")
        #expect(literalReads.isEmpty, "environment read by a literal name, not a descriptor: \(literalReads)")
    }

    @Test func namesAreUniqueAndEveryEntryHasHelpText() {
        let variables = ConfigurationTable.allVariables
        var seen: Set<String> = []
        let duplicates = variables.map(\.name).filter { !seen.insert($0).inserted }
        #expect(duplicates.isEmpty, "listed twice: \(duplicates)")
        #expect(variables.count >= 52)
        for variable in variables {
            #expect(!variable.help.trimmingCharacters(in: .whitespaces).isEmpty, "\(variable.name) has no help text")
            #expect(variable.name.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }, "\(variable.name)")
            #expect(!(variable.isRequired && variable.shownDefault != nil), "\(variable.name) is required and has a default")
            if case .source(let source) = variable.group {
                #expect(SourceCatalog.names.contains(source), "\(variable.name) belongs to an unknown source \(source)")
            }
        }
        // Every source's own variables are among those listed for it, and it lists nothing
        // another source owns.
        for source in SourceCatalog.names {
            let listed = SourceVariables.of(source: source)
            let own = variables.filter { $0.group == .source(source) }
            #expect(Set(own).isSubset(of: Set(listed)), "\(source)")
            #expect(listed.allSatisfy { $0.group == .source(source) || $0.group == .sources || $0.group == .http }, "\(source)")
        }
    }

    @Test func sourcesListsForEachSourceTheTablesVariables() async throws {
        let cli = try CLIHarness()
        defer { cli.cleanUp() }
        let result = try await cli.run(["sources", "--json"], environment: ["EVERFLOW_API_KEY": "", "FILES_SOURCE_DIR": cli.root.path])
        #expect(result.status == 0, "\(result.stderr)")
        let listings = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(listings.compactMap { $0["name"] as? String } == SourceCatalog.names)
        for listing in listings {
            let source = try #require(listing["name"] as? String)
            let variables = try #require(listing["variables"] as? [[String: Any]])
            let table = SourceVariables.of(source: source)
            #expect(variables.compactMap { $0["name"] as? String } == table.map(\.name), "\(source)")
            for (shown, variable) in zip(variables, table) {
                #expect(shown["purpose"] as? String == variable.summary, "\(variable.name)")
                #expect(shown["required"] as? Bool == variable.isRequired, "\(variable.name)")
            }
        }
        let files = try #require(listings.first { $0["name"] as? String == "files" }?["variables"] as? [[String: Any]])
        #expect(files.first { $0["name"] as? String == "FILES_SOURCE_DIR" }?["isSet"] as? Bool == true)
        let everflow = try #require(listings.first { $0["name"] as? String == "everflow" }?["variables"] as? [[String: Any]])
        #expect(everflow.first { $0["name"] as? String == "EVERFLOW_API_KEY" }?["isSet"] as? Bool == false, "an empty value is unset")
    }
}

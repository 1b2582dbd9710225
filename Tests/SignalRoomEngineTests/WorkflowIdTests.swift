import Foundation
import Testing
@testable import SignalRoomEngine

/// DESIGN §3: workflow ids name directories, so they are validated before any file is
/// touched: no path separators, no `..`, bounded length.
@Suite("Workflow ids")
struct WorkflowIdTests {
    /// The reason `validate` gives for rejecting `id`, or nil when it accepts it.
    static func rejection(of id: String) -> (reason: String, description: String)? {
        do {
            try WorkflowId.validate(id)
            return nil
        } catch WorkflowStoreError.invalidWorkflowId(let rejected, let reason) {
            #expect(rejected == id)
            return (reason, WorkflowStoreError.invalidWorkflowId(rejected, reason: reason).description)
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func parentDirectoryEscapeIsRejected() throws {
        let rejection = try #require(Self.rejection(of: "../x"))
        #expect(rejection.reason.contains("starts with a dot"))
        #expect(rejection.description.contains("invalid workflow id \"../x\""))
    }

    @Test func pathSeparatorIsRejected() throws {
        let rejection = try #require(Self.rejection(of: "a/b"))
        #expect(rejection.reason.contains("path separator `/`"))
    }

    @Test func backslashIsRejected() throws {
        let rejection = try #require(Self.rejection(of: #"a\b"#))
        #expect(rejection.reason.contains("contains"))
    }

    @Test func emptyIdIsRejected() throws {
        let rejection = try #require(Self.rejection(of: ""))
        #expect(rejection.reason.contains("empty"))
        #expect(rejection.reason.contains("1 to 200 characters"))
    }

    @Test func idLongerThanTwoHundredCharactersIsRejected() throws {
        let rejection = try #require(Self.rejection(of: String(repeating: "a", count: 300)))
        #expect(rejection.reason.contains("300 characters"))
        #expect(rejection.reason.contains("limit is 200"))
        #expect(rejection.description.contains("…"), "a 300-character id is shortened in the message")
        #expect(rejection.description.count < 200)
    }

    @Test func idOfExactlyTwoHundredCharactersIsAccepted() {
        #expect(Self.rejection(of: String(repeating: "a", count: WorkflowId.maximumLength)) == nil)
        #expect(Self.rejection(of: String(repeating: "a", count: WorkflowId.maximumLength + 1)) != nil)
    }

    @Test func hiddenNameIsRejected() throws {
        let rejection = try #require(Self.rejection(of: ".hidden"))
        #expect(rejection.reason.contains("starts with a dot"))
        #expect(rejection.reason.contains("hidden"))
    }

    @Test(arguments: [".", ".."])
    func dotAndDotDotAreRejected(_ id: String) {
        #expect(Self.rejection(of: id) != nil)
    }

    @Test func spaceIsRejectedNamingTheCharacter() throws {
        let rejection = try #require(Self.rejection(of: "daily report"))
        #expect(rejection.reason.contains("contains a space"))
        #expect(rejection.reason.contains("use letters, digits and . _ - : @ + ="))
    }

    @Test func controlAndNonASCIICharactersAreRejectedVisibly() throws {
        let newline = try #require(Self.rejection(of: "a\nb"))
        #expect(newline.reason.contains(#"`\n`"#))
        let accented = try #require(Self.rejection(of: "café"))
        #expect(accented.reason.contains(#"\u{00E9}"#))
    }

    @Test func scheduledRunIdWithISOFireTimeIsAccepted() {
        #expect(Self.rejection(of: "daily-report-2026-11-25T12:00:00Z") == nil)
    }

    @Test(arguments: ["a", "everflow_sync", "user@example.com", "a+b=c", "v1.2.3", "x..y", "UPPER-lower-0123456789"])
    func ordinaryIdsAreAccepted(_ id: String) {
        #expect(Self.rejection(of: id) == nil)
    }

    @Test func storeRefusesAnInvalidIdBeforeTouchingTheDisk() throws {
        try withTemporaryDirectory { root in
            let store = FileHistoryStore(root: root)
            let started = HistoryEvent(
                eventId: 1, time: Date(),
                attributes: .workflowExecutionStarted(
                    .init(
                        workflowType: "t", workflowId: "../escape", runId: "r", input: .null, randomSeed: 1, identity: "1@h", historyFormat: 1)))
            #expect(throws: WorkflowStoreError.self) {
                try store.createRun(workflowId: "../escape", workflowType: "t", runId: "r", started: started)
            }
            #expect(!FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("escape").path))
            let workflows = root.appendingPathComponent("workflows").path
            #expect((try? FileManager.default.contentsOfDirectory(atPath: workflows))?.isEmpty ?? true)
            #expect(throws: WorkflowStoreError.self) {
                try store.history(of: RunReference(workflowId: "a/b", runId: "r"))
            }
        }
    }
}

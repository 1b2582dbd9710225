import Foundation
import Testing
@testable import SignalRoomReports

struct ReportFiltersTests {
    func render(_ template: String, _ context: [String: Any] = [:]) throws -> String {
        try ReportRenderer.render(template, name: "test.stencil", context: context)
    }

    @Test func numbersAndMoneyAreGroupedAndRoundedTheSameEverywhere() throws {
        #expect(
            try render(
                "{{ a|number }} {{ b|number:2 }} {{ c|currency }} {{ d|currency }} {{ e|currency:0 }}",
                ["a": 1234567, "b": 0.125, "c": 8275.5, "d": -12, "e": 999.5]) == "1,234,567 0.13 $8,275.50 -$12.00 $1,000")
        #expect(try render("{{ missing|number }} {{ missing|currency }} {{ missing|percent }}") == "0 $0.00 0.0%")
        #expect(try render("{{ r|percent }} {{ r|percent:0 }}", ["r": 0.1256]) == "12.6% 13%")
    }

    @Test func datesAndDeltas() throws {
        #expect(try render("{{ d|date }} / {{ d|date:\"short\" }}", ["d": "2024-12-02"]) == "Mon, Dec 2, 2024 / Dec 2")
        #expect(try render("{{ a|delta:b }} {{ b|delta:a }} {{ a|delta:zero }}", ["a": 112.5, "b": 100, "zero": 0]) == "+12.5% -11.1% n/a")
    }

    @Test func templateErrorsNameTheFileAndLine() {
        #expect(throws: ReportError.self) { try render("one\ntwo\n{% if %}\n{% endif %}") }
        do {
            _ = try render("one\ntwo\n{% for x in %}{% endfor %}")
        } catch let error as ReportError {
            #expect("\(error)".hasPrefix("template test.stencil line 3:"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

struct AlertLedgerTests {
    @Test func sameErrorIsSentOncePerWindowAndRecoveryOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-alerts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = AlertLedger(directory: directory, window: 3600)
        let start = Date(timeIntervalSince1970: 1_733_097_600)
        let fingerprint = AlertLedger.fingerprint(type: "AuthenticationFailed", message: "HTTP 401 after 5 attempts")
        #expect(try ledger.failure(subject: "hourly-sync", fingerprint: fingerprint, now: start) == .sendFailure(suppressed: 0))
        // Not sent (the channel refused it): the next failure is sent, not held back.
        #expect(try ledger.failure(subject: "hourly-sync", fingerprint: fingerprint, now: start) == .sendFailure(suppressed: 0))
        try ledger.delivered(subject: "hourly-sync", fingerprint: fingerprint, now: start)
        for minute in 1...9 {
            #expect(
                try ledger.failure(subject: "hourly-sync", fingerprint: fingerprint, now: start.addingTimeInterval(Double(minute * 60))) == .suppress)
        }
        // A different error is news: sent at once.
        let other = AlertLedger.fingerprint(type: "ServiceUnreachable", message: "timed out")
        #expect(try ledger.failure(subject: "hourly-sync", fingerprint: other, now: start.addingTimeInterval(700)) == .sendFailure(suppressed: 0))
        try ledger.delivered(subject: "hourly-sync", fingerprint: other, now: start.addingTimeInterval(700))
        #expect(try ledger.failure(subject: "hourly-sync", fingerprint: other, now: start.addingTimeInterval(800)) == .suppress)
        // After the window the alert goes out again with the count held back.
        #expect(
            try ledger.failure(subject: "hourly-sync", fingerprint: other, now: start.addingTimeInterval(700 + 3601)) == .sendFailure(suppressed: 1))
        try ledger.delivered(subject: "hourly-sync", fingerprint: other, now: start.addingTimeInterval(700 + 3601))
        #expect(try AlertLedger(directory: directory).success(subject: "hourly-sync") == .sendRecovery(failures: 13))
        #expect(try ledger.success(subject: "hourly-sync") == .sendRecovery(failures: 13), "not delivered yet: still owed")
        try ledger.recovered(subject: "hourly-sync")
        #expect(try ledger.success(subject: "hourly-sync") == .nothing)
        #expect(
            AlertLedger.fingerprint(type: "T", message: "attempt 3 at 10:05") == AlertLedger.fingerprint(type: "T", message: "attempt 4 at 11:17"))
    }
}

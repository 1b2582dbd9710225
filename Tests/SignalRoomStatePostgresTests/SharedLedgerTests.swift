import Foundation
import SignalRoomReports
import SignalRoomScheduler
import Testing

@testable import SignalRoomStatePostgres

/// The alert ledger and the pass records on the PostgreSQL state, each "process" a
/// connection of its own.
@Suite struct SharedLedgerTests {
    @Test func theAlertLedgerHoldsBackRepeatsAcrossProcessesAndRecoversOnce() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let first = AlertLedger(entries: PostgresAlertEntries(state: try PostgresState(url: fixture.url, schema: fixture.schema)), window: 3600)
        let second = AlertLedger(entries: PostgresAlertEntries(state: try PostgresState(url: fixture.url, schema: fixture.schema)), window: 3600)
        let now = Date(timeIntervalSince1970: 1_795_600_800)
        let fingerprint = AlertLedger.fingerprint(type: "Timeout", message: "attempt 3 timed out")
        #expect(try first.failure(subject: "hourly-sync", fingerprint: fingerprint, now: now) == .sendFailure(suppressed: 0))
        try first.delivered(subject: "hourly-sync", fingerprint: fingerprint, now: now)
        // The same error from another process within the window is held back and counted.
        for minute in 1...3 {
            #expect(
                try second.failure(subject: "hourly-sync", fingerprint: fingerprint, now: now.addingTimeInterval(Double(minute * 60))) == .suppress)
        }
        #expect(try first.failure(subject: "hourly-sync", fingerprint: fingerprint, now: now.addingTimeInterval(3700)) == .sendFailure(suppressed: 3))
        #expect(try second.success(subject: "hourly-sync") == .sendRecovery(failures: 4))
        try second.recovered(subject: "hourly-sync")
        #expect(try first.success(subject: "hourly-sync") == .nothing)
        #expect(try first.entries.all().isEmpty)
    }

    @Test func concurrentFailuresFromEightProcessesAreAllCounted() async throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        let now = Date(timeIntervalSince1970: 1_795_600_800)
        let seed = AlertLedger(entries: PostgresAlertEntries(state: try PostgresState(url: fixture.url, schema: fixture.schema)))
        try seed.delivered(subject: "s", fingerprint: "f", now: now)
        let ledgers = try (0..<8).map { _ in
            AlertLedger(entries: PostgresAlertEntries(state: try PostgresState(url: fixture.url, schema: fixture.schema)))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for ledger in ledgers {
                group.addTask {
                    for _ in 0..<5 {
                        let decision = try ledger.failure(subject: "s", fingerprint: "f", now: now.addingTimeInterval(60))
                        #expect(decision == .suppress)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try seed.success(subject: "s") == .sendRecovery(failures: 41))
    }

    @Test func passRecordsAreKeptNewestFirstAndBounded() throws {
        guard let fixture = StateFixture.make() else { return }
        defer { fixture.drop() }
        var log = PostgresPassLog(state: try PostgresState(url: fixture.url, schema: fixture.schema))
        log.keep = 150
        for second in 0..<300 {
            try log.append(
                RunDuePassRecord(
                    started: Date(timeIntervalSince1970: 1_795_600_800 + Double(second)), durationMilliseconds: second, asOf: nil, summary: nil,
                    exitCode: 0, error: nil))
        }
        let recent = try log.recent(limit: 1000)
        #expect(recent.first?.durationMilliseconds == 299)
        #expect(recent.map(\.durationMilliseconds) == recent.map(\.durationMilliseconds).sorted(by: >))
        #expect(recent.count >= 150 && recent.count < 300, "trimmed to about the newest 150: \(recent.count)")
    }
}

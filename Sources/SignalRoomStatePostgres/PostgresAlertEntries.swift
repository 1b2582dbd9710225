import Foundation
import SignalRoomReports

/// The alert ledger's entries as rows of `alerts`, each changed in one transaction under a
/// transaction advisory lock on its subject (a row lock cannot guard a row not yet there).
public struct PostgresAlertEntries: AlertEntryStore {
    public let state: PostgresState

    public init(state: PostgresState) { self.state = state }

    public func all() throws -> [AlertLedger.Entry] {
        try state.connection.query("SELECT entry FROM \(state.tables.alerts) ORDER BY subject").compactMap { row in
            row[0].flatMap { try? AlertLedger.Entry(decoding: Data($0.utf8)) }
        }
    }

    public func change(
        _ subject: String, _ body: (AlertLedger.Entry?) -> (AlertLedger.Entry?, AlertLedger.Decision)
    ) throws
        -> AlertLedger.Decision
    {
        let table = state.tables.alerts
        let key = state.lockKey("alert", subject)
        return try state.connection.transaction { transaction in
            try transaction.query("SELECT pg_advisory_xact_lock($1::bigint)", [.int(key)])
            let current = try transaction.query("SELECT entry FROM \(table) WHERE subject = $1", [.text(subject)]).first?[0]
                .flatMap { try? AlertLedger.Entry(decoding: Data($0.utf8)) }
            let (next, decision) = body(current)
            if next == current {
                // A decision alone changes nothing.
            } else if let next {
                try transaction.query(
                    "INSERT INTO \(table) (subject, entry) VALUES ($1, $2) ON CONFLICT (subject) DO UPDATE SET entry = excluded.entry",
                    [.text(subject), .text(String(decoding: try next.encoded(), as: UTF8.self))])
            } else {
                try transaction.query("DELETE FROM \(table) WHERE subject = $1", [.text(subject)])
            }
            return decision
        }
    }
}

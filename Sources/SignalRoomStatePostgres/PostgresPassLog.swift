import Foundation
import SignalRoomScheduler

/// `run-due` pass records as rows of `run_due_passes`, the newest `keep` of them: the file
/// store's 512 KB hold about 2,600 passes, and so do these.
public struct PostgresPassLog: RunDuePassRecording {
    public let state: PostgresState
    public var keep = 2_600

    public init(state: PostgresState) { self.state = state }

    private var table: String { state.tables.passes }

    public func append(_ record: RunDuePassRecord) throws {
        let text = String(decoding: try RunDuePassLog.encoder.encode(record), as: UTF8.self)
        // Committed before it returns (see `StateConnection.transaction`): doctor reads it.
        let id = try state.connection.transactionOfOne("INSERT INTO \(table) (record) VALUES ($1) RETURNING pass_id", [.text(text)]).first?[0]
        // Trimmed now and then rather than on every pass: one DELETE per hundred passes.
        if let id = id.flatMap({ Int($0) }), id % 100 == 0 {
            try state.connection.query("DELETE FROM \(table) WHERE pass_id <= $1", [.int(id - keep)])
        }
    }

    public func recent(limit: Int) throws -> [RunDuePassRecord] {
        // A record that does not decode (a newer build's) is skipped, as in the file.
        try state.connection.query("SELECT record FROM \(table) ORDER BY pass_id DESC LIMIT $1", [.int(max(0, limit))]).compactMap { row in
            row[0].flatMap { try? RunDuePassLog.decoder.decode(RunDuePassRecord.self, from: Data($0.utf8)) }
        }
    }
}

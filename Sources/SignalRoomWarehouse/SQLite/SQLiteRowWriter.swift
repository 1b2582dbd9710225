import GRDB
import GRDBSQLite
import SignalRoomPipelines

/// Inserts rows through one prepared statement, binding with SQLite's C API directly.
/// GRDB's `StatementArguments` allocates per row; binding by hand measured about twice as
/// fast for a million-row stage (the load is bounded by this loop).
enum SQLiteRowWriter {
    static func insert(_ db: Database, into table: String, columns: [String], rows: [[FieldValue]]) throws {
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let statement = try db.makeStatement(sql: "INSERT INTO \(table) (\(SQLIdentifier.list(columns))) VALUES (\(placeholders))")
        let handle = statement.sqliteStatement
        // A row's texts are copied into one buffer that stays put until the row is stepped,
        // and bound SQLITE_STATIC: with SQLITE_TRANSIENT SQLite allocated, copied and freed
        // each text value itself.
        let arena = TextArena()
        for row in rows {
            sqlite3_reset(handle)
            arena.prepare(for: row, columns: columns.count)
            for (offset, value) in row.enumerated() where offset < columns.count {
                let index = Int32(offset + 1)
                switch value {
                case .null: sqlite3_bind_null(handle, index)
                case .bool(let flag): sqlite3_bind_int64(handle, index, flag ? 1 : 0)
                case .int(let integer): sqlite3_bind_int64(handle, index, integer)
                case .double(let double): sqlite3_bind_double(handle, index, double)
                case .decimal(let text):
                    // SQLite has no decimal type: the number where it is exact, so sums and
                    // comparisons work; the text only where a double would round it.
                    switch FieldValue.exactNumber(decimal: text) {
                    case .int(let integer)?: sqlite3_bind_int64(handle, index, integer)
                    case .double(let double)?: sqlite3_bind_double(handle, index, double)
                    default: arena.bind(text, to: handle, at: index)
                    }
                case .date(let text), .timestamp(let text), .text(let text), .json(let text):
                    arena.bind(text, to: handle, at: index)
                }
            }
            for offset in row.count..<columns.count where offset >= 0 { sqlite3_bind_null(handle, Int32(offset + 1)) }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }
}

/// The bytes of one row's texts, laid end to end in a buffer that is never reallocated
/// while the row's values are bound to it.
private final class TextArena {
    private var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
    private var capacity = 4096
    private var used = 0

    deinit { buffer.deallocate() }

    /// Room for every text of `row` at once.
    func prepare(for row: [FieldValue], columns: Int) {
        used = 0
        var needed = 0
        for value in row.prefix(columns) {
            switch value {
            case .decimal(let text), .date(let text), .timestamp(let text), .text(let text), .json(let text): needed += text.utf8.count
            default: continue
            }
        }
        guard needed > capacity else { return }
        buffer.deallocate()
        capacity = max(needed, capacity * 2)
        buffer = .allocate(capacity: capacity)
    }

    /// Binds `text` from the buffer; SQLite reads it when the row is stepped, before the
    /// next `prepare` reuses the buffer.
    func bind(_ text: String, to handle: OpaquePointer?, at index: Int32) {
        var text = text
        let start = buffer + used
        let count = text.withUTF8 { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            start.update(from: base, count: bytes.count)
            return bytes.count
        }
        used += count
        start.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) { chars in
            // SQLITE_STATIC is nil; a zero-length text still needs a non-null pointer.
            _ = sqlite3_bind_text(handle, index, chars, Int32(count), nil)
        }
    }
}

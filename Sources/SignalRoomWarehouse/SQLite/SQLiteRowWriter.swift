import GRDB
import GRDBSQLite
import SignalRoomPipelines

/// Inserts rows through one prepared statement, binding with SQLite's C API directly.
/// GRDB's `StatementArguments` allocates per row; binding by hand measured about twice as
/// fast for a million-row stage (the load is bounded by this loop).
enum SQLiteRowWriter {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func insert(_ db: Database, into table: String, columns: [String], rows: [[FieldValue]]) throws {
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let statement = try db.makeStatement(sql: "INSERT INTO \(table) (\(SQLIdentifier.list(columns))) VALUES (\(placeholders))")
        let handle = statement.sqliteStatement
        for row in rows {
            sqlite3_reset(handle)
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
                    default: bindText(handle, index, text)
                    }
                case .date(let text), .timestamp(let text), .text(let text), .json(let text):
                    bindText(handle, index, text)
                }
            }
            for offset in row.count..<columns.count where offset >= 0 { sqlite3_bind_null(handle, Int32(offset + 1)) }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        sqlite3_reset(handle)
    }

    private static func bindText(_ handle: OpaquePointer?, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), transient)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, transient)
                }
            }
        }
    }
}

import Foundation

/// Why a local export file (CSV or JSON Lines) could not be read.
///
/// Every case names the file as the user knows it (`file`, the reader's display name, such
/// as `orders-create/orders_2024-12-01.csv`) and, where one exists, the 1-based physical
/// line, so that the message alone is enough to find and fix the offending bytes.
public enum FileFormatError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened; `path` is the path that was tried.
    case cannotOpen(path: String, reason: String)
    /// Reading failed part-way (an I/O error from the operating system).
    case readFailed(file: String, reason: String)
    /// A CSV file with no bytes, or only blank lines: there is no header line to read.
    case emptyFile(file: String)
    /// A CSV record whose field count differs from the header's.
    case raggedRow(file: String, line: Int, fields: Int, headerFields: Int)
    /// Bytes that are not UTF-8; `byteOffset` is the 0-based offset of the first bad byte in
    /// the file and `line` the physical line that holds it.
    case invalidUTF8(file: String, line: Int, byteOffset: Int)
    /// A CSV quoted field whose closing quote never came; `line` is where the quote opened.
    case unterminatedQuote(file: String, line: Int)
    /// A record (CSV) or line (JSON Lines) longer than `limit` bytes, refused so that memory
    /// stays bounded; in a CSV file usually a quote that is never closed.
    case recordTooLong(file: String, line: Int, limit: Int)
    /// A JSON Lines line that is not one JSON object; `excerpt` is its first 80 characters.
    case notAJSONObject(file: String, line: Int, reason: String, excerpt: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open \(path): \(reason)"
        case .readFailed(let file, let reason):
            return "\(file): read failed: \(reason)"
        case .emptyFile(let file):
            return "\(file) is empty: it has no header line (the first line must name the columns)"
        case .raggedRow(let file, let line, let fields, let headerFields):
            let hint =
                fields > headerFields
                ? "quote fields that contain commas"
                : "every record needs a value (possibly empty) for each column"
            return "\(file) line \(line): \(fields) field\(fields == 1 ? "" : "s"), the header has \(headerFields); \(hint)"
        case .invalidUTF8(let file, let line, let byteOffset):
            return "\(file) line \(line): invalid UTF-8 at byte offset \(byteOffset); re-export the file as UTF-8"
        case .unterminatedQuote(let file, let line):
            return "\(file) line \(line): a quoted field opened here is never closed; a literal quote inside a quoted field must be doubled (\"\")"
        case .recordTooLong(let file, let line, let limit):
            let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
            return
                "\(file) line \(line): the record that starts here is longer than \(size); if it is CSV, a quote opened on or after this line is probably never closed"
        case .notAJSONObject(let file, let line, let reason, let excerpt):
            return "\(file) line \(line): not a JSON object (\(reason)): \(excerpt)"
        }
    }

    public var errorDescription: String? { description }
}

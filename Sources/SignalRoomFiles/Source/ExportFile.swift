import Foundation
import SignalRoomCore

/// One export file and what its name says: the table it belongs to and its date.
public struct ExportFile: Sendable, Hashable {
    public enum Format: String, Sendable { case csv, jsonLines }

    /// The name rows carry in `_file_name`: the path below the exports directory
    /// (`orders-create/orders_2024-12-01.csv`), like an S3 key below its prefix.
    public var name: String
    public var path: String
    public var format: Format
    /// The first `YYYY-MM-DD` in the file name, the file-level incremental cursor.
    public var date: String?
    public var size: Int

    public init(name: String, path: String, format: Format, size: Int) {
        self.name = name
        self.path = path
        self.format = format
        self.size = size
        self.date = Self.firstDate(in: (name as NSString).lastPathComponent)
    }

    public static func format(ofFileNamed name: String) -> Format? {
        let lower = name.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonLines }
        return nil
    }

    /// The first valid calendar date spelled `YYYY-MM-DD` in `text`.
    public static func firstDate(in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10 else { return nil }
        func digit(_ index: Int) -> Int? { bytes[index] &- 48 < 10 ? Int(bytes[index] - 48) : nil }
        for start in 0...(bytes.count - 10) {
            guard bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-") else { continue }
            let positions = [0, 1, 2, 3, 5, 6, 8, 9].map { start + $0 }
            let digits = positions.compactMap(digit)
            guard digits.count == 8 else { continue }
            let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
            let month = digits[4] * 10 + digits[5], day = digits[6] * 10 + digits[7]
            guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(year: year, month: month) else { continue }
            return String(decoding: bytes[start..<(start + 10)], as: UTF8.self)
        }
        return nil
    }

    /// The table prefix of a top-level file: its name without extension, date and the
    /// separators around them (`orders-create_2024-12-01.csv` → `orders-create`).
    static func prefix(ofFileNamed name: String) -> String {
        var stem = name
        if let dot = stem.firstIndex(of: ".") { stem = String(stem[..<dot]) }
        if let date = firstDate(in: stem), let range = stem.range(of: date) { stem = String(stem[..<range.lowerBound]) }
        let trimmed = stem.trimmingCharacters(in: CharacterSet(charactersIn: "_-. "))
        return trimmed.isEmpty ? "files" : trimmed
    }
}

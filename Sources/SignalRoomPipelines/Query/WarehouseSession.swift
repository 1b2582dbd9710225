/// The SQL dialects SignalRoom's warehouse speaks.
public enum SQLDialect: String, Sendable, Codable, CaseIterable {
    case sqlite
    case postgres
}

/// A value bound into a query or read out of one. Integers stay integers on both
/// dialects (PostgreSQL's `numeric` sums of whole numbers come back as `.int`), so results
/// render the same whichever warehouse they came from.
public enum QueryValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case text(String)
}

/// Rows of a query, each as values in `columns` order.
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [[QueryValue]]

    public init(columns: [String], rows: [[QueryValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// A read-and-define connection to the whole warehouse (every dataset), for models,
/// seeds and report queries.
public protocol WarehouseSession: AnyObject, Sendable {
    var dialect: SQLDialect { get }
    /// Where the warehouse is, for messages; never includes a password.
    var location: String { get }
    /// Runs one statement with `:name` parameters bound as values (never spliced into the
    /// text), and returns its rows. A parameter the statement names but `parameters` lacks
    /// is an error naming it.
    func query(_ sql: String, parameters: [String: QueryValue]) async throws -> QueryResult
    /// Runs statements that return nothing (DDL), in one transaction.
    func execute(_ statements: [String]) async throws
    func close() async
}

/// `:name` placeholders in SQL text, outside string literals, quoted identifiers and
/// comments, and not PostgreSQL's `::` casts.
public enum NamedParameters {
    public struct Placeholder: Sendable, Equatable {
        public var name: String
        /// Byte range of `:name` in the UTF-8 text.
        public var range: Range<Int>
    }

    public static func placeholders(in sql: String) -> [Placeholder] {
        let bytes = Array(sql.utf8)
        var result: [Placeholder] = []
        var index = 0
        func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || (!first && byte >= 0x30 && byte <= 0x39)
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // Skip to the closing quote; a doubled quote is an escaped one.
                var end = index + 1
                while end < bytes.count {
                    if bytes[end] == byte {
                        if end + 1 < bytes.count, bytes[end + 1] == byte { end += 2; continue }
                        break
                    }
                    end += 1
                }
                index = end + 1
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                index += 2
            case UInt8(ascii: ":"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":") { index += 2; continue }
                let previous = index > 0 ? bytes[index - 1] : 0x20
                var end = index + 1
                guard end < bytes.count, isNameByte(bytes[end], first: true), !isNameByte(previous, first: false) else { index += 1; continue }
                while end < bytes.count, isNameByte(bytes[end], first: false) { end += 1 }
                result.append(Placeholder(name: String(decoding: bytes[(index + 1)..<end], as: UTF8.self), range: index..<end))
                index = end
            default:
                index += 1
            }
        }
        return result
    }

    /// The SQL with each placeholder replaced by `$n` (PostgreSQL), and the parameter name
    /// of each `n` in order; a name used twice keeps one number.
    public static func numbered(_ sql: String) -> (sql: String, names: [String]) {
        let bytes = Array(sql.utf8)
        var names: [String] = []
        var output: [UInt8] = []
        var last = 0
        for placeholder in placeholders(in: sql) {
            output += bytes[last..<placeholder.range.lowerBound]
            let number: Int
            if let existing = names.firstIndex(of: placeholder.name) {
                number = existing + 1
            } else {
                names.append(placeholder.name)
                number = names.count
            }
            output += Array("$\(number)".utf8)
            last = placeholder.range.upperBound
        }
        output += bytes[last...]
        return (String(decoding: output, as: UTF8.self), names)
    }
}

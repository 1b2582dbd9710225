#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import SignalRoomCore

/// A streaming RFC 4180 reader for a CSV file on disk.
///
/// The file is read through a bounded buffer (1 MiB unless told otherwise), so memory stays
/// flat however large the file is; it grows only to hold a single record longer than the
/// buffer. What it accepts:
/// - fields separated by `,`; records ended by LF, CRLF or a lone CR; the last record may
///   lack a line ending;
/// - quoted fields holding commas, doubled quotes (`""` for `"`) and line breaks (kept as
///   they are in the file);
/// - a UTF-8 byte order mark at the start, which is dropped;
/// - completely empty lines between records, which are skipped (they are not records);
/// - leniently, like Python's `csv`: a quote inside an unquoted field, or text after a
///   quoted field's closing quote, is kept literally.
///
/// Every field must be UTF-8; invalid bytes are an error naming the line and byte offset,
/// never replacement characters. After `readHeader()`, every record must have as many
/// fields as the header.
///
///     var reader = try CSVReader(path: path, displayName: "orders/orders_2024-12-01.csv")
///     let header = try reader.readHeader()
///     var fields: [String] = []
///     while try reader.nextRecord(into: &fields) { ... }
///
/// A record longer than 64 MiB is an error (`FileFormatError.recordTooLong`), which keeps
/// memory bounded when a stray quote swallows the rest of the file.
///
/// Throughput: about 200-250 MB/s in a release build on a 2-core machine for 1,000,000
/// records of 11 fields; the `csvThroughput` benchmark in `CSVReaderTests` measures it.
public struct CSVReader {
    /// What errors call the file.
    public let displayName: String

    /// The 1-based physical line on which the last returned record (or the header) started;
    /// 0 before anything was read. Line breaks inside quoted fields count.
    public private(set) var recordLine = 0

    /// Data records returned by `nextRecord(into:)` so far (the header is not counted).
    public private(set) var recordsRead = 0

    /// Bytes of the file consumed so far (up to the end of the last returned record), for
    /// progress reporting against the file's size.
    public var bytesRead: Int { buffer.fileOffset(of: buffer.start) }

    /// The longest record accepted, in bytes: the buffer grows to hold one record, and a
    /// stray quote would otherwise make it grow to the rest of the file.
    var maximumRecordLength = 64 << 20

    private let buffer: ReadBuffer
    /// The physical line at `buffer.start`.
    private var nextLine = 1
    private var headerFieldCount: Int?
    private var checkedByteOrderMark = false
    private var spans: [FieldSpan] = []
    private var unescaped: [UInt8] = []

    /// Opens the file at `path`; `displayName` is what errors call it.
    ///
    /// - Throws: `FileFormatError.cannotOpen` naming `path` when the file does not exist,
    ///   is not readable or is a directory.
    public init(path: String, displayName: String) throws {
        try self.init(path: path, displayName: displayName, bufferSize: 1 << 20)
    }

    /// Reads `bytes` as the file's contents; `displayName` is what errors call it.
    public init(bytes: [UInt8], displayName: String) {
        self.displayName = displayName
        self.buffer = ReadBuffer(bytes: bytes, displayName: displayName)
        spans.reserveCapacity(32)
    }

    /// `bufferSize` is the initial buffer size in bytes; tests make it small to put records
    /// across buffer boundaries.
    init(path: String, displayName: String, bufferSize: Int) throws {
        self.displayName = displayName
        self.buffer = try ReadBuffer(path: path, displayName: displayName, capacity: bufferSize)
        spans.reserveCapacity(32)
    }

    /// Reads the header line and returns its field names as they are written (BOM removed).
    ///
    /// Lines holding only spaces or tabs before the header are skipped. From now on every
    /// record must have as many fields as the header.
    ///
    /// - Throws: `FileFormatError.emptyFile` when the file has no bytes, or only blank
    ///   lines; the errors of `nextRecord(into:)` for a malformed header line.
    public mutating func readHeader() throws -> [String] {
        try skipByteOrderMark()
        try skipWhitespaceLines()
        var header: [String] = []
        guard try readRecord(into: &header) else { throw FileFormatError.emptyFile(file: displayName) }
        headerFieldCount = header.count
        return header
    }

    /// Fills `fields` with the next record's fields, reusing its storage, and returns true;
    /// returns false (leaving `fields` empty) at the end of the file.
    ///
    /// - Throws: `FileFormatError.raggedRow` when the record's field count differs from the
    ///   header's, `.invalidUTF8`, `.unterminatedQuote` at the end of the file,
    ///   `.recordTooLong`, `.readFailed`.
    public mutating func nextRecord(into fields: inout [String]) throws -> Bool {
        try skipByteOrderMark()
        guard try readRecord(into: &fields) else { return false }
        recordsRead += 1
        return true
    }

    // MARK: Records

    private mutating func readRecord(into fields: inout [String]) throws -> Bool {
        fields.removeAll(keepingCapacity: true)
        while true {
            switch try scanRecord() {
            case .needMore:
                if buffer.end - buffer.start >= maximumRecordLength {
                    throw FileFormatError.recordTooLong(file: displayName, line: nextLine, limit: maximumRecordLength)
                }
                try buffer.refill()
            case .endOfFile:
                return false
            case .blankLine(let next):
                buffer.start = next
                nextLine += 1
            case .record(let next, let lines):
                // Consumed before the checks, so that after an error the next call reads
                // the record after the bad one.
                let recordStart = buffer.start
                recordLine = nextLine
                buffer.start = next
                nextLine += lines
                if let expected = headerFieldCount, spans.count != expected {
                    throw FileFormatError.raggedRow(file: displayName, line: recordLine, fields: spans.count, headerFields: expected)
                }
                try makeFields(into: &fields, recordStart: recordStart, recordEnd: next)
                return true
            }
        }
    }

    private enum ScanResult {
        /// The buffer ends inside the record (or right after a CR); refill and scan again.
        case needMore
        case endOfFile
        case blankLine(next: Int)
        /// A whole record; `next` is the first byte after it and `lines` the line breaks in it.
        case record(next: Int, lines: Int)
    }

    /// Finds the fields of the record at `buffer.start`, recording them in `spans`. Cheap to
    /// repeat: a record cut off by the buffer's end is scanned again after a refill.
    private mutating func scanRecord() throws -> ScanResult {
        let p = UnsafePointer(buffer.base)
        let end = buffer.end
        let eof = buffer.isAtEndOfFile
        var i = buffer.start
        guard i < end else { return eof ? .endOfFile : .needMore }

        let first = p[i]
        if first == lf { return .blankLine(next: i + 1) }
        if first == cr {
            if i + 1 < end { return .blankLine(next: p[i + 1] == lf ? i + 2 : i + 1) }
            return eof ? .blankLine(next: i + 1) : .needMore
        }

        spans.removeAll(keepingCapacity: true)
        var lines = 0
        while true {
            if i < end && p[i] == quote {
                let openingLines = lines
                let opening = i
                i += 1
                let contentStart = i
                var hasDoubledQuotes = false
                while true {
                    while i < end {
                        let c = p[i]
                        if c == quote { break }
                        if c == lf {
                            lines += 1
                        } else if c == cr {
                            if i + 1 < end {
                                if p[i + 1] != lf { lines += 1 }
                            } else if !eof {
                                return .needMore
                            } else {
                                lines += 1
                            }
                        }
                        i += 1
                    }
                    if i == end {
                        guard eof else { return .needMore }
                        throw FileFormatError.unterminatedQuote(file: displayName, line: nextLine + openingLines)
                    }
                    if i + 1 < end {
                        if p[i + 1] == quote {
                            hasDoubledQuotes = true
                            i += 2
                            continue
                        }
                    } else if !eof {
                        return .needMore
                    }
                    break
                }
                let contentEnd = i
                i += 1
                if i == end || p[i] == comma || p[i] == lf || p[i] == cr {
                    spans.append(FieldSpan(start: contentStart, end: contentEnd, kind: hasDoubledQuotes ? .doubledQuotes : .plain))
                } else {
                    // Text after the closing quote: kept literally, up to the next delimiter.
                    while i < end {
                        let c = p[i]
                        if c <= comma && (c == comma || c == lf || c == cr) { break }
                        i += 1
                    }
                    if i == end && !eof { return .needMore }
                    spans.append(FieldSpan(start: opening, end: i, kind: .quotedWithTail))
                }
            } else {
                let fieldStart = i
                while i < end {
                    let c = p[i]
                    if c <= comma && (c == comma || c == lf || c == cr) { break }
                    i += 1
                }
                if i == end && !eof { return .needMore }
                spans.append(FieldSpan(start: fieldStart, end: i, kind: .plain))
            }

            if i == end { return .record(next: i, lines: lines) }
            let c = p[i]
            if c == comma {
                i += 1
                continue
            }
            if c == lf { return .record(next: i + 1, lines: lines + 1) }
            // c == cr
            if i + 1 < end { return .record(next: p[i + 1] == lf ? i + 2 : i + 1, lines: lines + 1) }
            return eof ? .record(next: i + 1, lines: lines + 1) : .needMore
        }
    }

    /// Turns `spans` into strings; `recordStart` and `recordEnd` bound the record in the
    /// buffer.
    private mutating func makeFields(into fields: inout [String], recordStart: Int, recordEnd: Int) throws {
        let p = UnsafePointer(buffer.base)
        // Validating the record once is much cheaper than validating field by field, and
        // enough: fields are split at ASCII bytes, which never fall inside a multi-byte
        // sequence, so every field of a valid record is valid.
        let record = UnsafeBufferPointer(start: p + recordStart, count: recordEnd - recordStart)
        if let index = UTF8Validation.firstInvalidIndex(in: record) {
            throw invalidUTF8(at: recordStart + index, recordStart: recordStart)
        }
        fields.reserveCapacity(spans.count)
        for span in spans {
            let raw = UnsafeBufferPointer(start: p + span.start, count: span.end - span.start)
            switch span.kind {
            case .plain:
                fields.append(raw.isEmpty ? "" : String(decoding: raw, as: UTF8.self))
            case .doubledQuotes, .quotedWithTail:
                unescape(raw, kind: span.kind)
                fields.append(unescaped.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) })
            }
        }
    }

    /// Copies a quoted field's bytes into `unescaped`, with `""` read as `"`; for
    /// `.quotedWithTail` the raw bytes start at the opening quote and end with the tail.
    private mutating func unescape(_ raw: UnsafeBufferPointer<UInt8>, kind: FieldSpan.Kind) {
        unescaped.removeAll(keepingCapacity: true)
        var i = kind == .quotedWithTail ? 1 : 0
        var segmentStart = i
        while i < raw.count {
            guard raw[i] == quote else {
                i += 1
                continue
            }
            if i + 1 < raw.count && raw[i + 1] == quote {
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: raw[segmentStart...i]))
                i += 2
                segmentStart = i
                continue
            }
            // The closing quote of a `.quotedWithTail` field; the rest is literal.
            unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: raw[segmentStart..<i]))
            segmentStart = i + 1
            break
        }
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: raw[segmentStart...]))
    }

    /// The error for the invalid byte at `index` in the buffer, in the record that starts
    /// at `recordStart` on line `recordLine`.
    private func invalidUTF8(at index: Int, recordStart: Int) -> FileFormatError {
        let before = UnsafeBufferPointer(start: UnsafePointer(buffer.base) + recordStart, count: index - recordStart)
        return .invalidUTF8(file: displayName, line: recordLine + LineBreaks.count(in: before), byteOffset: buffer.fileOffset(of: index))
    }

    // MARK: Before the header

    private mutating func skipByteOrderMark() throws {
        guard !checkedByteOrderMark else { return }
        while buffer.end - buffer.start < 3 && !buffer.isAtEndOfFile { try buffer.refill() }
        let p = buffer.base + buffer.start
        if buffer.end - buffer.start >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            buffer.start += 3
        }
        checkedByteOrderMark = true
    }

    /// Skips lines that hold nothing but spaces and tabs, so that a file of blank lines is
    /// reported as empty rather than as a header of one blank column.
    private mutating func skipWhitespaceLines() throws {
        while true {
            var i = buffer.start
            while i < buffer.end && (buffer.base[i] == space || buffer.base[i] == tab) { i += 1 }
            if i == buffer.end {
                if buffer.isAtEndOfFile {
                    buffer.start = i
                    return
                }
                try buffer.refill()
                continue
            }
            let c = buffer.base[i]
            if c == lf {
                buffer.start = i + 1
            } else if c == cr {
                if i + 1 == buffer.end && !buffer.isAtEndOfFile {
                    try buffer.refill()
                    continue
                }
                buffer.start = i + 1 < buffer.end && buffer.base[i + 1] == lf ? i + 2 : i + 1
            } else {
                return
            }
            nextLine += 1
        }
    }
}

/// Where one field's bytes are in the buffer.
private struct FieldSpan {
    enum Kind: UInt8 {
        /// The bytes are the value (an unquoted field, or a quoted one without `""`).
        case plain
        /// The bytes between the quotes, with `""` to be read as `"`.
        case doubledQuotes
        /// A quoted field followed by literal text: from the opening quote to the delimiter.
        case quotedWithTail
    }

    var start: Int
    var end: Int
    var kind: Kind
}

private let lf: UInt8 = 0x0A
private let cr: UInt8 = 0x0D
private let quote: UInt8 = 0x22
private let comma: UInt8 = 0x2C
private let space: UInt8 = 0x20
private let tab: UInt8 = 0x09

// MARK: - Shared by the CSV and JSON Lines readers

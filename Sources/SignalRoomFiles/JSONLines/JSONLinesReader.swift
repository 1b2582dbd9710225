#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import SignalRoomCore
import SignalRoomPipelines

/// A streaming reader for a JSON Lines file: one JSON object per line.
///
/// The file is read through a bounded buffer (1 MiB unless told otherwise) that grows only
/// to hold a single line longer than it. Lines are ended by LF (a CR before it is
/// whitespace); lines holding only whitespace are skipped; a UTF-8 byte order mark at the
/// start is dropped.
///
/// Each object's top-level members come back in the order they are written, classified
/// without losing anything:
/// - `null` → `.null`, `true`/`false` → `.bool`, strings → `.text` (no date sniffing);
/// - an integer literal that fits `Int64` → `.int`; any other number (a larger integer, a
///   fraction, an exponent) → `.decimal(literal)`, the literal exactly as written, so
///   `3818.50` keeps its scale;
/// - a nested object or array → `.json`, its compact JSON text: whitespace outside strings
///   removed, members in their original order, strings and numbers exactly as written.
///
/// A key that appears twice keeps its first position and takes its last value. A line
/// longer than 64 MiB is an error (`FileFormatError.recordTooLong`).
public struct JSONLinesReader {
    /// What errors call the file.
    public let displayName: String

    /// The 1-based line of the last returned object; 0 before anything was read.
    public private(set) var recordLine = 0

    /// Objects returned by `nextObject()` so far.
    public private(set) var recordsRead = 0

    /// Bytes of the file consumed so far (up to the end of the last line read), for
    /// progress reporting against the file's size.
    public var bytesRead: Int { buffer.fileOffset(of: buffer.start) }

    /// The longest line accepted, in bytes; the buffer grows to hold one line.
    var maximumLineLength = 64 << 20

    private let buffer: ReadBuffer
    /// The line at `buffer.start`.
    private var nextLine = 1
    private var checkedByteOrderMark = false
    private var parser = JSONObjectParser()

    /// Opens the file at `path`; `displayName` is what errors call it.
    ///
    /// - Throws: `FileFormatError.cannotOpen` naming `path` when the file does not exist,
    ///   is not readable or is a directory.
    public init(path: String, displayName: String) throws {
        try self.init(path: path, displayName: displayName, bufferSize: 1 << 20)
    }

    /// `bufferSize` is the initial buffer size in bytes; tests make it small to put lines
    /// across buffer boundaries.
    init(path: String, displayName: String, bufferSize: Int) throws {
        self.displayName = displayName
        self.buffer = try ReadBuffer(path: path, displayName: displayName, capacity: bufferSize)
    }

    /// The next non-blank line's object as ordered key/value pairs; nil at the end of the file.
    ///
    /// A line that fails is consumed: calling again reads the line after it.
    ///
    /// - Throws: `FileFormatError.notAJSONObject` (with the line's first 80 characters) for
    ///   a line that is not exactly one JSON object, `.invalidUTF8`, `.recordTooLong`,
    ///   `.readFailed`.
    public mutating func nextObject() throws -> [(String, FieldValue)]? {
        try skipByteOrderMark()
        while true {
            let p = UnsafePointer(buffer.base)
            let start = buffer.start
            let end = buffer.end
            if start == end {
                if buffer.isAtEndOfFile { return nil }
                try buffer.refill()
                continue
            }
            let lineEnd: Int
            let next: Int
            if let found = memchr(p + start, Int32(newline), end - start) {
                lineEnd = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - p
                next = lineEnd + 1
            } else if buffer.isAtEndOfFile {
                lineEnd = end
                next = end
            } else {
                if end - start >= maximumLineLength {
                    throw FileFormatError.recordTooLong(file: displayName, line: nextLine, limit: maximumLineLength)
                }
                try buffer.refill()
                continue
            }

            let line = UnsafeBufferPointer(start: p + start, count: lineEnd - start)
            let lineNumber = nextLine
            let lineOffset = buffer.fileOffset(of: start)
            buffer.start = next
            nextLine += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }

            recordLine = lineNumber
            do {
                let object = try parser.parseObject(line)
                recordsRead += 1
                return object
            } catch {
                if let index = UTF8Validation.firstInvalidIndex(in: line) {
                    throw FileFormatError.invalidUTF8(file: displayName, line: lineNumber, byteOffset: lineOffset + index)
                }
                throw FileFormatError.notAJSONObject(
                    file: displayName, line: lineNumber, reason: "\(error.reason) at column \(error.offset + 1)", excerpt: Self.excerpt(of: line))
            }
        }
    }

    private mutating func skipByteOrderMark() throws {
        guard !checkedByteOrderMark else { return }
        while buffer.end - buffer.start < 3 && !buffer.isAtEndOfFile { try buffer.refill() }
        let p = buffer.base + buffer.start
        if buffer.end - buffer.start >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            buffer.start += 3
        }
        checkedByteOrderMark = true
    }

    /// The line's first 80 characters, with `…` when there are more.
    private static func excerpt(of line: UnsafeBufferPointer<UInt8>) -> String {
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}

private let newline: UInt8 = 0x0A

// MARK: - Parsing one line

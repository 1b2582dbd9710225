import Foundation
import SignalRoomCore
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One `run-due` pass as it is kept: when it started and how long it took, what it did and
/// how it exited, so an operator (and `doctor`) can tell when cron last ran and how it went.
///
/// Format version 1, one JSON object per line; fields are added, never renamed.
public struct RunDuePassRecord: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var version = Self.formatVersion
    public var started: Date
    public var durationMilliseconds: Int
    /// `--now` when the pass ran as if at another time.
    public var asOf: Date?
    public var pid: Int32
    /// The host the pass ran on (absent in records written before it was added): with a
    /// PostgreSQL state several hosts record their passes in one place.
    public var host: String?
    public var fired: Int
    public var resumed: Int
    /// Fire times passed without a run (skipped, buffered).
    public var skipped: Int
    public var pruned: Int
    public var failed: Int
    public var unhandled: Int
    public var exitCode: Int32
    /// The pass's own error (the state could not be read), not a run's.
    public var error: String?

    public init(
        started: Date, durationMilliseconds: Int, asOf: Date?, summary: RunDue.Summary?, exitCode: Int32, error: String?
    ) {
        self.started = started
        self.durationMilliseconds = durationMilliseconds
        self.asOf = asOf
        self.pid = getpid()
        self.host = Self.hostName
        self.fired = summary?.fired ?? 0
        self.resumed = summary?.resumed ?? 0
        self.skipped = summary?.passed ?? 0
        self.pruned = summary?.pruned ?? 0
        self.failed = summary?.failed ?? 0
        self.unhandled = summary?.unhandled ?? 0
        self.exitCode = exitCode
        self.error = error
    }
}

extension RunDuePassRecord {
    static let hostName: String? = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }()
}

/// Where `run-due` passes are recorded; the file store keeps them under `state/`.
public protocol RunDuePassRecording: Sendable {
    func append(_ record: RunDuePassRecord) throws
    /// The newest records, newest first.
    func recent(limit: Int) throws -> [RunDuePassRecord]
}

/// `state/run-due/passes.jsonl`, bounded: past `maximumBytes` the oldest half is dropped. A
/// pass a minute is about 200 bytes, so the default 512 KB holds more than a day of them.
/// Appends and the trim take an exclusive `flock` on `passes.lock`, so overlapping passes
/// (cron starting one while the last still runs) neither interleave nor lose a line.
public struct RunDuePassLog: RunDuePassRecording {
    public let directory: URL
    public var maximumBytes: Int

    public init(stateDirectory: URL, maximumBytes: Int = 512 * 1024) {
        self.directory = stateDirectory.appendingPathComponent("run-due")
        self.maximumBytes = maximumBytes
    }

    var file: URL { directory.appendingPathComponent("passes.jsonl") }

    public func append(_ record: RunDuePassRecord) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var line = try Self.encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        try locked {
            let descriptor = open(file.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path]) }
            defer { close(descriptor) }
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path]) }
            var status = stat()
            if fstat(descriptor, &status) == 0, Int(status.st_size) > maximumBytes { try trim() }
        }
    }

    public func recent(limit: Int) throws -> [RunDuePassRecord] {
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        var records: [RunDuePassRecord] = []
        // A line that does not decode (a newer build's, or torn by a full disk) is skipped:
        // the records are a report, not the truth of anything.
        for line in data.split(separator: UInt8(ascii: "\n")).reversed() {
            guard records.count < limit else { break }
            if let record = try? Self.decoder.decode(RunDuePassRecord.self, from: Data(line)) { records.append(record) }
        }
        return records
    }

    /// Keeps the newer half of the lines, written aside and renamed over the file.
    private func trim() throws {
        guard let data = FileManager.default.contents(atPath: file.path) else { return }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        var kept = Data()
        for line in lines.suffix(lines.count / 2) {
            kept.append(contentsOf: line)
            kept.append(UInt8(ascii: "\n"))
        }
        let temporary = directory.appendingPathComponent("passes.jsonl.trim-\(getpid())")
        try kept.write(to: temporary)
        _ = chmod(temporary.path, 0o600)
        guard rename(temporary.path, file.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path]) }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        let lock = open(directory.appendingPathComponent("passes.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory.path]) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        return try body()
    }

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an instant: \(text)"))
            }
            return date
        }
        return decoder
    }
}

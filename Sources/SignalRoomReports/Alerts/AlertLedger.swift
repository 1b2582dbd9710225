import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Alert hygiene, durable in the state: a failure alert for the same subject (a schedule or
/// workflow) and the same error is sent once per window, with a count of the repeats it held
/// back; the first success after failures sends one recovery message. Each subject's entry
/// is changed under a lock its `AlertEntryStore` holds across processes.
///
/// A decision to send changes nothing: only `delivered` records an alert as sent, so an
/// alert the channel refused is tried again by the next failure instead of silencing the
/// window. (Two processes failing at the same moment may then both send it.)
public struct AlertLedger: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Send the failure alert; `suppressed` repeats were held back since the last one.
        case sendFailure(suppressed: Int)
        /// Hold it back: the same alert went out less than a window ago.
        case suppress
        /// Send a recovery message after `failures` failures.
        case sendRecovery(failures: Int)
        /// Nothing to say: no failure was alerted before this success.
        case nothing
    }

    public let entries: any AlertEntryStore
    public let window: TimeInterval

    public init(entries: any AlertEntryStore, window: TimeInterval = 3600) {
        self.entries = entries
        self.window = window
    }

    /// Files under `directory` (`state/alerts/`).
    public init(directory: URL, window: TimeInterval = 3600) {
        self.init(entries: FileAlertEntries(directory: directory), window: window)
    }

    /// What is kept per subject; format version 1 (JSON, dates in ISO 8601).
    public struct Entry: Codable, Equatable, Sendable {
        public var subject: String
        public var fingerprint: String
        public var failures: Int
        public var suppressed: Int
        public var lastSent: Date
    }

    /// Two failures are "the same error" when their type and text match, digits aside
    /// (attempt counts and timestamps vary between runs).
    public static func fingerprint(type: String, message: String) -> String {
        var result = type + ":"
        var inDigits = false
        for character in message {
            if character.isNumber {
                if !inDigits { result.append("#") }
                inDigits = true
            } else {
                inDigits = false
                result.append(character)
            }
        }
        return result
    }

    /// Whether a failure alert goes out; a held-back one is counted at once.
    public func failure(subject: String, fingerprint: String, now: Date = Date()) throws -> Decision {
        try entries.change(subject) { entry in
            if var current = entry, current.fingerprint == fingerprint, now.timeIntervalSince(current.lastSent) < window {
                current.failures += 1
                current.suppressed += 1
                return (current, .suppress)
            }
            return (entry, .sendFailure(suppressed: entry.map { $0.fingerprint == fingerprint ? $0.suppressed : 0 } ?? 0))
        }
    }

    /// Records a failure alert the channel accepted: the window for its error starts now.
    public func delivered(subject: String, fingerprint: String, now: Date = Date()) throws {
        _ = try entries.change(subject) { entry in
            (Entry(subject: subject, fingerprint: fingerprint, failures: (entry?.failures ?? 0) + 1, suppressed: 0, lastSent: now), .nothing)
        }
    }

    /// Whether a recovery message goes out; `recovered` closes the record once it did.
    public func success(subject: String) throws -> Decision {
        try entries.change(subject) { entry in
            guard let entry, entry.failures > 0 else { return (entry, .nothing) }
            return (entry, .sendRecovery(failures: entry.failures))
        }
    }

    /// Forgets the failures after their recovery message was delivered.
    public func recovered(subject: String) throws {
        _ = try entries.change(subject) { _ in (nil, .nothing) }
    }
}

/// Where the ledger's entries live, one per subject, each changed under a lock that holds
/// across processes: `change` reads the entry, and writes (or with nil deletes) what the
/// closure returns unless it is unchanged.
public protocol AlertEntryStore: Sendable {
    /// Every subject's entry (for `state copy`).
    func all() throws -> [AlertLedger.Entry]
    func change(_ subject: String, _ body: (AlertLedger.Entry?) -> (AlertLedger.Entry?, AlertLedger.Decision)) throws -> AlertLedger.Decision
}

/// `state/alerts/<subject>.json`, changed under an exclusive `flock` on `<subject>.json.lock`
/// and written atomically.
public struct FileAlertEntries: AlertEntryStore {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public func all() throws -> [AlertLedger.Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).flatMap { try? AlertLedger.Entry(decoding: $0) }
        }
    }

    public func change(
        _ subject: String, _ change: (AlertLedger.Entry?) -> (AlertLedger.Entry?, AlertLedger.Decision)
    ) throws
        -> AlertLedger.Decision
    {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = path(subject)
        let lock = open(file + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file]) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: file]) }
        let current = FileManager.default.contents(atPath: file).flatMap { try? AlertLedger.Entry(decoding: $0) }
        let (next, decision) = change(current)
        if next == current {
            // A decision alone changes nothing on disk.
        } else if let next {
            try next.encoded().write(to: URL(fileURLWithPath: file), options: .atomic)
            chmod(file, 0o600)  // Foundation's atomic write leaves 0666 less the umask
        } else {
            try? FileManager.default.removeItem(atPath: file)
        }
        return decision
    }

    private func path(_ subject: String) -> String {
        let safe = subject.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? String($0) : "_" }.joined()
        return directory.appendingPathComponent(String(safe.prefix(150)) + ".json").path
    }
}

extension AlertLedger.Entry {
    public init(decoding data: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        self = try decoder.decode(Self.self, from: data)
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}

import Foundation
import SignalRoomCore
import SignalRoomEngine
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Registered schedules under `state/schedules/`: `<id>.json` (the `ScheduleState`) and
/// `<id>.lock`, which serialises every change to one schedule across processes.
public struct FileScheduleStore: ScheduleStore {
    public let directory: URL
    /// `directory` as a path: building a path from a URL costs microseconds on Linux, and a
    /// pass of `run-due` builds one per schedule.
    private let directoryPath: String

    /// `state/schedules.quiet`: beside the directory, since a file written in it would move
    /// the directory's modification time, which is what the note is checked against.
    private let quietNotePath: String

    public init(stateDirectory: URL) {
        directory = stateDirectory.appendingPathComponent("schedules")
        directoryPath = directory.path
        quietNotePath = stateDirectory.appendingPathComponent("schedules.quiet").path
    }

    // MARK: The quiet note

    /// The directory's modification time: every state write (a rename into it), lock
    /// creation and delete moves it. Only once it is two seconds old: the kernel stamps it
    /// from a coarse clock, so a write a few milliseconds after the last one can leave it
    /// as it was; two seconds later any write moves it.
    public func changeMark() -> ScheduleChangeMark? {
        guard let modified = Self.modificationTime(directoryPath) else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        guard now.tv_sec - modified.tv_sec >= 2 else { return nil }
        return Self.mark(modified)
    }

    private static func mark(_ modified: timespec) -> ScheduleChangeMark {
        ScheduleChangeMark("\(modified.tv_sec).\(modified.tv_nsec)")
    }

    public func noteQuiet(until instant: Date, since mark: ScheduleChangeMark) {
        let note: JSONValue = .object([
            "version": .int(1), "directoryModified": .string(mark.value), "quietUntil": .string(Timestamp.format(instant)),
        ])
        guard var data = try? note.encoded() else { return }
        data.append(0x0A)
        // A cache: written whole by a rename, and a lost or unreadable one only means the
        // next pass reads every state, so no fsync and no error.
        let temporary = quietNotePath + ".tmp-\(getpid())"
        if FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) {
            if rename(temporary, quietNotePath) != 0 { unlink(temporary) }
        }
    }

    public func quietNote() -> Date? {
        guard let data = Self.contents(quietNotePath), case .object(let note)? = try? JSONValue(parsing: data),
            note["version"] == .int(1), case .string(let mark)? = note["directoryModified"],
            case .string(let quiet)? = note["quietUntil"], let modified = Self.modificationTime(directoryPath),
            ScheduleChangeMark(mark) == Self.mark(modified)
        else { return nil }
        return Timestamp.parse(quiet)
    }

    private static func modificationTime(_ path: String) -> timespec? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mtim
    }

    func path(_ id: String) -> String { directoryPath + "/" + id + ".json" }

    public func place(_ id: String) -> String { path(id) }

    /// Ids of registered schedules, sorted.
    public func ids() -> [String] {
        // readdir, not FileManager: the directory holds a state and a lock per schedule, and
        // listing it is part of every quiet `run-due`.
        guard let stream = opendir(directoryPath) else { return [] }
        defer { closedir(stream) }
        var ids: [String] = []
        while let entry = readdir(stream) {
            let id = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String? in
                let name = raw.bindMemory(to: UInt8.self)
                let length = name.firstIndex(of: 0) ?? name.count
                guard length > 5, name[length - 5] == UInt8(ascii: "."), name[length - 4] == UInt8(ascii: "j"),
                    name[length - 3] == UInt8(ascii: "s"), name[length - 2] == UInt8(ascii: "o"), name[length - 1] == UInt8(ascii: "n")
                else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: name[0..<(length - 5)]), as: UTF8.self)
            }
            if let id { ids.append(id) }
        }
        return ids.sorted()
    }

    public func read(_ id: String) throws -> ScheduleState? {
        let path = path(id)
        guard let data = Self.contents(path) else { return nil }
        return try ScheduleState(encoded: data, place: path)
    }

    /// The whole file with one open and one read (FileManager stats it three times first).
    static func contents(_ path: String) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        guard case .success(let length) = readWhole(descriptor, into: &buffer) else { return nil }
        return Data(buffer[0..<length])
    }

    /// Reads the open file into `buffer` from its start, growing it as needed: its length,
    /// or the `errno` of a failed read. A regular file reads short only at its end, so a
    /// file smaller than the buffer takes one `read`.
    private static func readWhole(_ descriptor: Int32, into buffer: inout [UInt8]) -> Result<Int, ReadFailure> {
        var length = 0
        while true {
            if length == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + length, $0.count - length) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return .failure(ReadFailure(code: errno)) }
            length += count
            if count == 0 || length < buffer.count { return .success(length) }
        }
    }

    private struct ReadFailure: Error {
        var code: Int32
    }

    /// Every state, read through one descriptor of the directory and one buffer: a quiet
    /// `run-due` reads all of them every minute, and a path walk, a fresh 16 KiB buffer and
    /// a second `read` to see the end of each file were half of reading 1,000 of them.
    public func readAll() throws -> [(id: String, state: Result<ScheduleState, any Error>)] {
        let names = ids()
        guard !names.isEmpty else { return [] }
        let directoryDescriptor = open(directoryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else {
            throw ScheduleStoreError.io(path: directoryPath, reason: String(cString: strerror(errno)))
        }
        defer { close(directoryDescriptor) }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var states: [(id: String, state: Result<ScheduleState, any Error>)] = []
        states.reserveCapacity(names.count)
        for id in names {
            let descriptor = openat(directoryDescriptor, id + ".json", O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { continue }  // deleted meanwhile
                states.append((id, .failure(ScheduleStoreError.io(path: path(id), reason: String(cString: strerror(errno))))))
                continue
            }
            let read = Self.readWhole(descriptor, into: &buffer)
            close(descriptor)
            guard case .success(let length) = read else {
                if case .failure(let failure) = read {
                    states.append((id, .failure(ScheduleStoreError.io(path: path(id), reason: String(cString: strerror(failure.code))))))
                }
                continue
            }
            let state = Result {
                try buffer.withUnsafeBufferPointer { try ScheduleState(encoded: UnsafeBufferPointer(rebasing: $0[0..<length]), place: path(id)) }
            }
            states.append((id, state))
        }
        return states
    }

    public func write(_ state: ScheduleState, id: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = path(id)
        let temporary = path + ".tmp-\(getpid())"
        var data = try state.encoded()
        data.append(0x0A)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
            rename(temporary, path) == 0
        else {
            unlink(temporary)
            throw ScheduleStoreError.io(path: path, reason: String(cString: strerror(errno)))
        }
    }

    public func delete(_ id: String) {
        unlink(path(id))
        unlink(directory.appendingPathComponent(id + ".lock").path)
    }

    /// Runs `body` holding the schedule's lock (waiting for other processes).
    public func withLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lockPath = directory.appendingPathComponent(id + ".lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ScheduleStoreError.io(path: lockPath, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ScheduleStoreError.io(path: lockPath, reason: String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}

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

    public init(stateDirectory: URL) {
        directory = stateDirectory.appendingPathComponent("schedules")
        directoryPath = directory.path
    }

    func path(_ id: String) -> String { directoryPath + "/" + id + ".json" }

    public func place(_ id: String) -> String { path(id) }

    /// Ids of registered schedules, sorted.
    public func ids() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
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
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? data : nil }
            data.append(contentsOf: buffer[0..<count])
        }
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

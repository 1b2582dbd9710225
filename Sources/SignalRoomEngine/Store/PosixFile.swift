import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX calls the file store needs, with errors that name the path. Foundation's
/// FileHandle has no `flock`, `fdatasync` or `O_EXCL`, which durability and ownership need.
struct PosixFile: ~Copyable {
    let descriptor: Int32
    let path: String

    enum Mode { case readOnly, readWrite, createNew, createOrOpen, appendOnly }

    init(path: String, mode: Mode, permissions: mode_t = 0o600) throws {
        let flags: Int32 =
            switch mode {
            case .readOnly: O_RDONLY
            case .readWrite: O_RDWR
            case .createNew: O_RDWR | O_CREAT | O_EXCL
            case .createOrOpen: O_RDWR | O_CREAT
            // Several processes append to the same index file: O_APPEND makes each write land
            // at the end as a whole instead of overwriting another process's line.
            case .appendOnly: O_WRONLY | O_CREAT | O_APPEND
            }
        let descriptor = open(path, flags | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw PosixFile.error(path, "cannot open") }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Takes the exclusive advisory lock; false when another process holds it and
    /// `wait` is false. The kernel drops it when this process dies.
    func lock(wait: Bool) throws -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) == 0 { return true }
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw PosixFile.error(path, "cannot lock")
        }
    }

    func unlock() { _ = flock(descriptor, LOCK_UN) }

    func readAll() throws -> Data {
        var result = Data()
        result.reserveCapacity(size() + 1)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw PosixFile.error(path, "cannot read")
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
            offset += off_t(count)
        }
    }

    /// The last `count` bytes of the file (all of it when it is shorter).
    func readTail(_ count: Int) throws -> Data {
        let size = self.size()
        let start = max(0, size - count)
        var buffer = [UInt8](repeating: 0, count: size - start)
        var filled = 0
        while filled < buffer.count {
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(start + filled)) }
            if read < 0, errno == EINTR { continue }
            if read < 0 { throw PosixFile.error(path, "cannot read") }
            if read == 0 { break }
            filled += read
        }
        return Data(buffer[0..<filled])
    }

    /// Appends at the end of the file and, when `durable`, waits until the bytes are on disk.
    func append(_ data: Data, durable: Bool) throws {
        guard lseek(descriptor, 0, SEEK_END) >= 0 else { throw PosixFile.error(path, "cannot seek") }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw PosixFile.error(path, "cannot write")
                }
                offset += written
            }
        }
        if durable { try sync() }
    }

    func size() -> Int {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
    }

    func sync() throws {
        guard fdatasync(descriptor) == 0 else { throw PosixFile.error(path, "cannot sync to disk") }
    }

    func truncate(to length: Int) throws {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw PosixFile.error(path, "cannot truncate") }
        try sync()
    }

    static func error(_ path: String, _ action: String) -> WorkflowStoreError {
        .io(path: path, reason: "\(action): \(String(cString: strerror(errno)))")
    }

    /// Makes a directory entry (a new file, a rename) durable.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Writes a small file so readers see either the old or the new content, never a mix.
    static func replaceAtomically(_ path: String, with data: Data, durable: Bool) throws {
        let temporary = path + ".tmp-\(getpid())"
        do {
            let file = try PosixFile(path: temporary, mode: .createOrOpen)
            guard ftruncate(file.descriptor, 0) == 0 else { throw PosixFile.error(temporary, "cannot truncate") }
            try file.append(data, durable: durable)
        }
        guard rename(temporary, path) == 0 else {
            let failure = PosixFile.error(path, "cannot replace")
            unlink(temporary)
            throw failure
        }
        if durable { syncDirectory((path as NSString).deletingLastPathComponent) }
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw PosixFile.error(path, "cannot create directory") }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func remove(_ path: String) { unlink(path) }

    static func modificationTime(_ path: String) -> Date? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
    }

    /// Temporary files `replaceAtomically` left behind in `directory` when their writer
    /// died (its pid is gone), for `prefix` (a file name) or all of them; removes them.
    static func removeAbandonedTemporaries(in directory: String, prefix: String = "") {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let marker = name.range(of: ".tmp-", options: .backwards), let pid = pid_t(name[marker.upperBound...]),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            unlink(directory + "/" + name)
        }
    }

    static var identity: String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(getpid())@\(host)"
    }
}

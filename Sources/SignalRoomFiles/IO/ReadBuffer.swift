import Foundation

/// A file read through one growable buffer: `base[start..<end]` are bytes read but not yet
/// consumed; `refill()` moves them to the front and reads more after them.
final class ReadBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    private(set) var end = 0
    private(set) var isAtEndOfFile = false
    /// The file offset of `base[0]`.
    private(set) var baseOffset = 0
    /// -1 for bytes given in memory, which are all in the buffer from the start.
    private let descriptor: Int32
    private let displayName: String

    init(path: String, displayName: String, capacity: Int) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FileFormatError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw FileFormatError.cannotOpen(path: path, reason: "it is a directory")
        }
        self.descriptor = descriptor
        self.displayName = displayName
        self.capacity = max(capacity, 16)
        self.base = .allocate(capacity: self.capacity)
    }

    /// The bytes themselves (a built-in seed): already at the end of the "file".
    init(bytes: [UInt8], displayName: String) {
        self.descriptor = -1
        self.displayName = displayName
        self.capacity = max(bytes.count, 16)
        self.base = .allocate(capacity: self.capacity)
        bytes.withUnsafeBufferPointer { if let start = $0.baseAddress { base.update(from: start, count: $0.count) } }
        self.end = bytes.count
        self.isAtEndOfFile = true
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        base.deallocate()
    }

    func fileOffset(of index: Int) -> Int { baseOffset + index }

    /// Reads more bytes after `end`, first moving the unconsumed bytes to the front and
    /// doubling the buffer if they fill it. At the end of the file sets `isAtEndOfFile`.
    func refill() throws {
        guard !isAtEndOfFile else { return }
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(base, base + start, pending) }
            baseOffset += start
            end = pending
            start = 0
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: base, count: end)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        while true {
            let count = read(descriptor, base + end, capacity - end)
            if count > 0 {
                end += count
                return
            }
            if count == 0 {
                isAtEndOfFile = true
                return
            }
            if errno != EINTR {
                throw FileFormatError.readFailed(file: displayName, reason: String(cString: strerror(errno)))
            }
        }
    }
}

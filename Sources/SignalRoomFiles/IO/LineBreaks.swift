import Foundation

private let lf: UInt8 = 0x0A
private let cr: UInt8 = 0x0D

enum LineBreaks {
    /// Line breaks in `bytes`: each LF, and each CR not followed by LF.
    static func count(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var lines = 0
        for (index, byte) in bytes.enumerated() {
            if byte == lf || (byte == cr && (index + 1 == bytes.count || bytes[index + 1] != lf)) { lines += 1 }
        }
        return lines
    }
}

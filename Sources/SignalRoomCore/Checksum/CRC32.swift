import Foundation

/// CRC-32 (IEEE 802.3), the integrity guard on every history line. Foundation has no
/// checksum API on Linux and the engine takes no dependencies, so it is written here.
/// Slicing-by-8 (eight tables, eight bytes per step) because replay checks every line of
/// a history: byte-at-a-time was the largest single cost of decoding one.
package enum CRC32 {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = (value & 1) != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            tables[0][index] = value
        }
        for index in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[slice - 1][index]
                tables[slice][index] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()
    private static let flat: [UInt32] = tables.flatMap { $0 }

    package static let start: UInt32 = 0xFFFF_FFFF

    package static func finish(_ crc: UInt32) -> UInt32 { crc ^ 0xFFFF_FFFF }

    package static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        finish(update(start, with: bytes))
    }

    package static func update<Bytes: Sequence>(_ crc: UInt32, with bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ update(crc, buffer: $0) }) { return result }
        return update(crc, buffer: UnsafeBufferPointer(start: nil, count: 0), rest: bytes)
    }

    private static func update<Rest: Sequence>(_ crc: UInt32, buffer: UnsafeBufferPointer<UInt8>, rest: Rest) -> UInt32 where Rest.Element == UInt8 {
        var crc = update(crc, buffer: buffer)
        flat.withUnsafeBufferPointer { table in
            for byte in rest { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }

    /// One more byte, without the generic `Sequence` path (a `CollectionOfOne` through it
    /// cost as much as checking the rest of a history line).
    package static func update(_ crc: UInt32, byte: UInt8) -> UInt32 {
        flat.withUnsafeBufferPointer { t in t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    package static func update(_ crc: UInt32, buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = crc
        flat.withUnsafeBufferPointer { t in
            var index = 0
            let count = buffer.count
            while index + 8 <= count {
                let low =
                    crc
                    ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                        | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                let high =
                    UInt32(buffer[index + 4]) | UInt32(buffer[index + 5]) << 8
                    | UInt32(buffer[index + 6]) << 16 | UInt32(buffer[index + 7]) << 24
                crc =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }
}

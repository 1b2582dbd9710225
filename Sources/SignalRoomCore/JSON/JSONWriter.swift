import Foundation

/// Writes a `JSONValue` as compact JSON with sorted keys: equal values always give the
/// same bytes. The counterpart of `JSONParser`, written by hand for the same reason
/// (every history line goes through it).
package enum JSONWriter {
    package static func write(_ value: JSONValue) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(value, into: &bytes)
        return Data(bytes)
    }

    package static func write(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): bytes.append(contentsOf: String(number).utf8)
        case .double(let number): writeDouble(number, into: &bytes)
        case .string(let text): writeString(text, into: &bytes)
        case .array(let elements):
            bytes.append(0x5B)
            for (offset, element) in elements.enumerated() {
                if offset > 0 { bytes.append(0x2C) }
                write(element, into: &bytes)
            }
            bytes.append(0x5D)
        case .object(let members):
            bytes.append(0x7B)
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { bytes.append(0x2C) }
                writeString(key, into: &bytes)
                bytes.append(0x3A)
                write(members[key]!, into: &bytes)
            }
            bytes.append(0x7D)
        }
    }

    private static func writeDouble(_ number: Double, into bytes: inout [UInt8]) {
        guard number.isFinite else { return bytes.append(contentsOf: "null".utf8) }
        if number == number.rounded(), abs(number) < 1e15 {
            bytes.append(contentsOf: String(Int64(number)).utf8)
        } else {
            bytes.append(contentsOf: "\(number)".utf8)
        }
    }

    private static func writeString(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}

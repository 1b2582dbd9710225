import NIOCore
import SignalRoomPipelines

/// Writes rows in COPY's text format: tab-separated, `\N` for NULL, backslash escapes for
/// backslash, tab, newline and carriage return.
enum PostgresCopyEncoder {
    static func append(_ row: [FieldValue], columns: Int, to buffer: inout ByteBuffer) {
        for index in 0..<columns {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            let value = index < row.count ? row[index] : .null
            switch value {
            case .null: buffer.writeStaticString("\\N")
            case .bool(let flag): buffer.writeInteger(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .int(let integer): buffer.writeString(String(integer))
            case .double(let double):
                buffer.writeString(double.isFinite ? double.description : (double.isNaN ? "NaN" : (double > 0 ? "Infinity" : "-Infinity")))
            case .decimal(let text), .date(let text), .timestamp(let text), .text(let text), .json(let text):
                appendEscaped(text, to: &buffer)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(escape)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<bytes.count]))
        }
    }
}

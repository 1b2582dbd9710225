import Foundation

/// Tells a JSON body that stops short (a dropped connection or a proxy cut it: worth another
/// request) from one that is complete but not JSON (an HTML page, a server bug: final).
enum CutOffJSON {
    /// True when the body is empty, or opens an object or array that it never closes.
    static func isCutOff(_ body: Data) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var opened = false
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                opened = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                // Closed (or over-closed): whatever is wrong with it, it is not cut short.
                if depth <= 0 { return false }
            case UInt8(ascii: "\""):
                inString = true
            default:
                if !opened { return false }
            }
        }
        return !opened || depth > 0
    }
}

/// UTF-8 checked eight ASCII bytes at a time: the CSV and JSON Lines readers check every
/// record, the JSON scanner every strict string. (`String(validating:as:)` would do, but it is
/// several times slower for the short strings that make up most of a record.)
public enum UTF8Validation {
    /// The index of the first byte of `bytes` that does not start or continue a valid
    /// UTF-8 sequence (overlong forms, surrogates and values above U+10FFFF are invalid);
    /// nil when all of it is valid.
    public static func firstInvalidIndex(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var i = 0
        while i < n {
            // Eight ASCII bytes at a time: the common case for exports.
            while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let b0 = base[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n, base[i + 1] >= low, base[i + 1] <= high else { return i }
            if length > 2 {
                guard base[i + 2] & 0xC0 == 0x80 else { return i }
                if length > 3 {
                    guard base[i + 3] & 0xC0 == 0x80 else { return i }
                }
            }
            i += length
        }
        return nil
    }
}

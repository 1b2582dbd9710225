import SignalRoomCore
/// Classifies a text value (a CSV field) by what it spells, never losing what it said.
///
/// Only canonical spellings become numbers: `00123` and `+5` stay text (the leading zero
/// or sign would be lost), `1e5` stays text, and a fraction becomes `decimal` with its
/// text as written, so `3818.50` keeps its digits and its scale. Dates are `YYYY-MM-DD`;
/// timestamps are ISO 8601 with a zone (`Z` or an offset), since a zoneless one would be
/// read in whatever zone the warehouse session has. The empty string is null.
public enum TextInference {
    public static func value(of text: String) -> FieldValue {
        var contiguous = text
        return contiguous.withUTF8 { bytes in classify(bytes, text: text) }
    }

    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>, text: String) -> FieldValue {
        let count = bytes.count
        if count == 0 { return .null }
        let first = bytes[0]
        if isDigit(first) || first == UInt8(ascii: "-") {
            if let number = number(bytes, text: text) { return number }
            if count >= 10, let temporal = temporal(bytes, text: text) { return temporal }
            return .text(text)
        }
        if count == 4 || count == 5, let flag = boolean(bytes) { return .bool(flag) }
        return .text(text)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, text: String) -> FieldValue? {
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let integerDigits = index - integerStart
        if integerDigits == 0 { return nil }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { return nil }
        if index == bytes.count {
            if negative, integerDigits == 1, bytes[integerStart] == UInt8(ascii: "0") { return nil }
            if let value = Int64(text) { return .int(value) }
            return .decimal(text)
        }
        guard bytes[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        let fractionStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        guard index == bytes.count, index > fractionStart else { return nil }
        return .decimal(text)
    }

    private static func boolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var lowered: UInt64 = 0
        for byte in bytes { lowered = lowered << 8 | UInt64(byte | 0x20) }
        switch lowered {
        case 0x7472_7565: return true  // "true"
        case 0x66_616c_7365: return false  // "false"
        default: return nil
        }
    }

    /// `YYYY-MM-DD`, or that followed by `T`/space, `HH:MM[:SS[.fraction]]` and a zone.
    private static func temporal(_ bytes: UnsafeBufferPointer<UInt8>, text: String) -> FieldValue? {
        guard let (year, month, day) = datePart(bytes), isValidDate(year: year, month: month, day: day) else { return nil }
        if bytes.count == 10 { return .date(text) }
        let separator = bytes[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " "), bytes.count >= 16 else { return nil }
        guard let hour = twoDigits(bytes, 11), bytes[13] == UInt8(ascii: ":"), let minute = twoDigits(bytes, 14),
            hour < 24, minute < 60
        else { return nil }
        var index = 16
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let second = twoDigits(bytes, index + 1), second < 61 else { return nil }
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                guard index > start else { return nil }
            }
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "Z") { return index + 1 == bytes.count ? .timestamp(text) : nil }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let offsetHours = twoDigits(bytes, index + 1), offsetHours < 24
        else { return nil }
        index += 3
        if index == bytes.count { return .timestamp(text) }
        if bytes[index] == UInt8(ascii: ":") { index += 1 }
        guard let offsetMinutes = twoDigits(bytes, index), offsetMinutes < 60, index + 2 == bytes.count else { return nil }
        return .timestamp(text)
    }

    private static func datePart(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let high = twoDigits(bytes, 0), let low = twoDigits(bytes, 2),
            let month = twoDigits(bytes, 5), let day = twoDigits(bytes, 8)
        else { return nil }
        return (high * 100 + low, month, day)
    }

    private static func twoDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        guard index + 1 < bytes.count, isDigit(bytes[index]), isDigit(bytes[index + 1]) else { return nil }
        return Int(bytes[index] - 48) * 10 + Int(bytes[index + 1] - 48)
    }

    static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= CivilDate.daysIn(year: year, month: month)
    }
}

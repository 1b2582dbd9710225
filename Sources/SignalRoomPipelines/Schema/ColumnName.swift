/// Turns a source's field name into a safe, snake_case SQL identifier.
///
/// `Order ID` → `order_id`, `totalPrice` → `total_price`, `Prix (€)` → `prix`,
/// `2nd line` → `_2nd_line`, `_file_name` stays. Accented Latin letters keep their base
/// letter (`Créé` → `cree`), other non-ASCII letters are dropped; a name with nothing left
/// becomes `column`. Identifiers are cut to 63 bytes (PostgreSQL's limit). Two different field
/// names that normalize alike are told apart by the table's column map (see
/// `TableSchema`), which remembers which field owns which column.
public enum ColumnName {
    public static let maximumLength = 63

    public static func normalize(_ name: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(name.utf8.count)
        var previous: Character? = nil
        var pendingSeparator = false
        for character in name {
            let ascii = asciiBase(of: character)
            guard let letter = ascii else {
                pendingSeparator = true
                previous = nil
                continue
            }
            let isUpper = character.isUppercase
            if isUpper, let before = previous, before.isLowercase || before.isNumber {
                pendingSeparator = true
            }
            if pendingSeparator, !output.isEmpty { output.append(UInt8(ascii: "_")) }
            pendingSeparator = false
            output.append(letter)
            previous = character
        }
        var identifier = String(decoding: output, as: UTF8.self)
        if identifier.isEmpty { identifier = "column" }
        // Leading underscores mark metadata columns (`_file_name`); keep them.
        let underscores = name.prefix(while: { $0 == "_" }).count
        if underscores > 0 { identifier = String(repeating: "_", count: underscores) + identifier }
        if let first = identifier.utf8.first, first &- 48 < 10 { identifier = "_" + identifier }
        if identifier.utf8.count > maximumLength { identifier = String(identifier.prefix(maximumLength)) }
        return identifier
    }

    /// A lower-case ASCII letter or digit for the character, or nil for a separator.
    private static func asciiBase(of character: Character) -> UInt8? {
        if let ascii = character.asciiValue {
            switch ascii {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return ascii
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return ascii + 32
            default: return nil
            }
        }
        // Accented Latin letters keep their base letter (é → e); other scripts are dropped.
        guard character.unicodeScalars.count >= 1, let scalar = character.unicodeScalars.first,
            let base = LatinBase.base(of: scalar)
        else { return nil }
        return UInt8(base.value)
    }
}

enum LatinBase {
    static func base(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0xC0...0xC5, 0xE0...0xE5: return "a"
        case 0xC7, 0xE7: return "c"
        case 0xC8...0xCB, 0xE8...0xEB: return "e"
        case 0xCC...0xCF, 0xEC...0xEF: return "i"
        case 0xD1, 0xF1: return "n"
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8: return "o"
        case 0xD9...0xDC, 0xF9...0xFC: return "u"
        case 0xDD, 0xFD, 0xFF: return "y"
        case 0xDF: return "s"
        default: return nil
        }
    }
}

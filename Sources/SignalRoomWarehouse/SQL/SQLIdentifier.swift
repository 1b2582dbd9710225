/// Quoting for identifiers that go into SQL text (table and column names cannot be bound
/// as parameters). Values are always bound, never quoted into text.
enum SQLIdentifier {
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func quote(_ schema: String, _ name: String) -> String {
        quote(schema) + "." + quote(name)
    }

    static func list(_ names: [String]) -> String {
        names.map { quote($0) }.joined(separator: ", ")
    }
}

/// A dataset name becomes a SQLite database name and file name or a PostgreSQL schema:
/// keep it to lower-case letters, digits and underscores.
public enum DatasetName {
    public static func validate(_ name: String) throws {
        let valid =
            !name.isEmpty && name.utf8.count <= 63
            && name.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "_")
            } && !(name.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? true)
        guard valid, name != "main", name != "temp", !name.hasPrefix("pg_"), name != "public" else {
            throw WarehouseError.invalidDatasetName(name)
        }
    }
}

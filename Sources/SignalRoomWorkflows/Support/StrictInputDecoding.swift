/// Decoding for workflow and activity inputs that refuses unknown fields, so a typo in a
/// schedule's input or `--input` is an error instead of a silently ignored option.
struct StrictInputContainer {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let container: KeyedDecodingContainer<Key>

    init(_ decoder: Decoder, fields: [String]) throws {
        container = try decoder.container(keyedBy: Key.self)
        if let unknown = container.allKeys.first(where: { !fields.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: container,
                debugDescription: "unknown field `\(unknown.stringValue)`; known fields: \(fields.joined(separator: ", "))")
        }
    }

    func value<T: Decodable>(_ name: String, _ fallback: T) throws -> T {
        try container.decodeIfPresent(T.self, forKey: Key(stringValue: name)) ?? fallback
    }

    func optional<T: Decodable>(_ name: String) throws -> T? {
        try container.decodeIfPresent(T.self, forKey: Key(stringValue: name))
    }

    func fail(_ name: String, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: Key(stringValue: name), in: container, debugDescription: message)
    }
}

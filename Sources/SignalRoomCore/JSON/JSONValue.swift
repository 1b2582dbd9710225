import Foundation

/// A JSON document held as a value: the form every payload takes inside a history
/// (workflow and activity inputs, results, heartbeat details), so histories stay readable
/// JSON and replay can compare payloads structurally.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Encodes any `Encodable` value into its JSON form.
    public init<T: Encodable>(encoding value: T) throws {
        // Integers, strings and flags, the usual activity inputs and results, without a
        // trip through JSONEncoder and the parser (≈ 1.5 µs each, paid per replayed activity).
        switch value {
        case let value as JSONValue: self = value
        case let value as Int: self = .int(Int64(value))
        case let value as String: self = .string(value)
        case let value as Bool: self = .bool(value)
        default: self = try JSONParser.parse(try JSONCoding.encoder.encode(value))
        }
    }

    /// Parses JSON text; the error names the byte offset of the problem.
    public init(parsing data: Data) throws {
        self = try JSONParser.parse(data)
    }

    /// Parses JSON a person wrote (e.g. `schedules.json`): as `init(parsing:)`, but a member
    /// name twice in one object and bytes that are not UTF-8 are errors at their byte offset
    /// instead of "last one wins" and U+FFFD.
    public init(parsingStrictly data: Data) throws {
        self = try JSONParser.parse(data, strict: true)
    }

    /// Decodes this JSON into a typed value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch self {
        case _ where T.self == JSONValue.self: return self as! T
        case .int(let value) where T.self == Int.self: return Int(value) as! T
        case .string(let value) where T.self == String.self: return value as! T
        case .bool(let value) where T.self == Bool.self: return value as! T
        default: return try JSONCoding.decoder.decode(T.self, from: encoded())
        }
    }

    /// Compact JSON with sorted keys: the same value always gives the same bytes.
    public func encoded() throws -> Data {
        JSONWriter.write(self)
    }

    public var compactText: String {
        (try? encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A short stable digest of the canonical encoding, shown in non-determinism errors.
    public var digest: String {
        let bytes = (try? encoded()) ?? Data()
        return String(format: "%08x", CRC32.checksum(bytes))
    }
}

/// Numbers compare by value: `2` read from a history equals `2.0` computed in memory.
extension JSONValue: Hashable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Int64(exactly: b) == a
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .int(let value): hasher.combine(Double(value))
        case .double(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let value): hasher.combine(value)
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Shared coders. Sorted keys make every encoding of equal values byte-identical.
/// JSONEncoder and JSONDecoder are safe to share once configured: `encode`/`decode` copy
/// their options and keep no state between calls.
package enum JSONCoding {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "`\(text)` is not an ISO 8601 UTC time")
            }
            return date
        }
        return decoder
    }()
}

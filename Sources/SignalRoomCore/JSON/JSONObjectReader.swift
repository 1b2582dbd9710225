import Foundation

/// Typed access to the members of a JSON object, with errors that name the member.
/// Used to turn history lines into events without `Codable` (see `JSONParser`).
package struct JSONObjectReader {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String

        package init(description: String) {
            self.description = description
        }
    }

    package let members: [String: JSONValue]
    /// The member name this object was found under (for error messages only; kept short
    /// because replay builds several readers per event).
    package let context: String

    package init(_ value: JSONValue?, context: String) throws {
        guard case .object(let members)? = value else { throw Failure(description: "\(context) is not a JSON object") }
        self.members = members
        self.context = context
    }

    private func missing(_ key: String, _ kind: String) -> Failure {
        Failure(description: "\(context).\(key) is missing or not \(kind)")
    }

    package func value(_ key: String) throws -> JSONValue {
        guard let value = members[key] else { throw missing(key, "present") }
        return value
    }

    package func string(_ key: String) throws -> String {
        guard case .string(let text)? = members[key] else { throw missing(key, "a string") }
        return text
    }

    package func optionalString(_ key: String) throws -> String? {
        if members[key] == nil || members[key] == .null { return nil }
        return try string(key)
    }

    package func int(_ key: String) throws -> Int {
        switch members[key] {
        case .int(let number)?: return Int(number)
        case .double(let number)?:
            guard let exact = Int(exactly: number) else { throw missing(key, "an integer") }
            return exact
        default: throw missing(key, "an integer")
        }
    }

    /// A 64-bit pattern stored as a signed integer (random seeds).
    package func bitPattern(_ key: String) throws -> UInt64 {
        guard case .int(let number)? = members[key] else { throw missing(key, "an integer") }
        return UInt64(bitPattern: number)
    }

    package func double(_ key: String) throws -> Double {
        switch members[key] {
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: throw missing(key, "a number")
        }
    }

    package func optionalDouble(_ key: String) throws -> Double? {
        if members[key] == nil || members[key] == .null { return nil }
        return try double(key)
    }

    package func bool(_ key: String, default fallback: Bool) throws -> Bool {
        switch members[key] {
        case nil, .null?: return fallback
        case .bool(let flag)?: return flag
        default: throw missing(key, "true or false")
        }
    }

    package func date(_ key: String) throws -> Date {
        guard case .string(let text)? = members[key], let date = Timestamp.parse(text) else { throw missing(key, "an ISO 8601 UTC time") }
        return date
    }

    package func optionalDate(_ key: String) throws -> Date? {
        if members[key] == nil || members[key] == .null { return nil }
        return try date(key)
    }

    package func strings(_ key: String) throws -> [String] {
        switch members[key] {
        case nil, .null?: return []
        case .array(let elements)?:
            return try elements.map {
                guard case .string(let text) = $0 else { throw missing(key, "a list of strings") }
                return text
            }
        default: throw missing(key, "a list of strings")
        }
    }

    package func object(_ key: String) throws -> JSONObjectReader {
        try JSONObjectReader(members[key], context: key)
    }

    package func optionalObject(_ key: String) throws -> JSONObjectReader? {
        if members[key] == nil || members[key] == .null { return nil }
        return try object(key)
    }

    package func enumeration<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try string(key)) else { throw missing(key, "a known \(T.self)") }
        return value
    }
}

/// Builds a JSON object, leaving out nil members.
package struct JSONObjectBuilder {
    package var members: [String: JSONValue] = [:]

    package init() {}

    package subscript(key: String) -> JSONValue? {
        get { members[key] }
        set { members[key] = newValue }
    }

    package var value: JSONValue { .object(members) }
}

extension JSONValue {
    package init(_ text: String) { self = .string(text) }
    package init(_ number: Int) { self = .int(Int64(number)) }
    package init(_ number: Double) { self = .double(number) }
    package init(_ date: Date) { self = .string(Timestamp.format(date)) }
}

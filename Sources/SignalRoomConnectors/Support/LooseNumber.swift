import Foundation

/// Numbers as these APIs send them: JSON numbers, numbers in strings (`"7825.50"`), or
/// null (taken as 0). Anything else is an error the caller names.
enum LooseNumber {
    case value(Double)
    case invalid(String)

    init(_ raw: Any?) {
        switch raw {
        case nil, is NSNull:
            self = .value(0)
        case let number as NSNumber:
            self = .value(number.doubleValue)
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                self = .value(0)
            } else if let number = Double(trimmed), number.isFinite {
                self = .value(number)
            } else {
                self = .invalid("\"\(text)\"")
            }
        default:
            self = .invalid(String(describing: raw!))
        }
    }

    var double: Double? {
        if case .value(let number) = self { return number }
        return nil
    }

    /// A whole number; a fraction is invalid for a count.
    var integer: Int64? {
        guard case .value(let number) = self, number == number.rounded(), abs(number) < 9e15 else { return nil }
        return Int64(number)
    }

    var text: String {
        switch self {
        case .value(let number): String(number)
        case .invalid(let text): text
        }
    }
}

/// Ids as these APIs send them: strings or numbers; nil when absent, null or empty.
enum LooseIdentifier {
    static func text(_ raw: Any?) -> String? {
        switch raw {
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        case let number as NSNumber:
            return number.stringValue
        default:
            return nil
        }
    }
}

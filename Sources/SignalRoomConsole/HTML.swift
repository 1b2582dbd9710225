import Foundation

/// HTML built by appending: text is escaped on the way in, markup is ours. Everything a
/// page shows from outside (a workflow id, an error, an API label, a report) goes through
/// `text`, so no value can open a tag, close an attribute or end a `<textarea>`.
struct HTML {
    private(set) var output = ""

    init() { output.reserveCapacity(16_384) }

    /// Our own markup, never outside text.
    mutating func raw(_ markup: String) { output += markup }

    mutating func text(_ value: String) { HTML.escape(value, into: &output) }

    /// `<tag attributes>escaped text</tag>`.
    mutating func element(_ tag: String, _ value: String, class name: String? = nil) {
        output += name.map { "<\(tag) class=\"\($0)\">" } ?? "<\(tag)>"
        text(value)
        output += "</\(tag)>"
    }

    mutating func link(_ href: String, _ label: String, class name: String? = nil) {
        output += "<a href=\""
        text(href)
        output += name.map { "\" class=\"\($0)\">" } ?? "\">"
        text(label)
        output += "</a>"
    }

    /// A table row of escaped cells; a cell given as `.markup` is ours.
    mutating func row(_ cells: [Cell]) {
        output += "<tr>"
        for cell in cells {
            switch cell {
            case .text(let value):
                output += "<td>"
                text(value)
            case .markup(let markup): output += "<td>" + markup
            case .classed(let value, let name):
                output += "<td class=\"\(name)\">"
                text(value)
            }
            output += "</td>"
        }
        output += "</tr>\n"
    }

    mutating func header(_ names: [String]) {
        output += "<thead><tr>" + names.map { "<th>\(HTML.escaped($0))</th>" }.joined() + "</tr></thead>\n"
    }

    enum Cell {
        case text(String)
        case markup(String)
        case classed(String, String)
    }

    static func escaped(_ value: String) -> String {
        var output = ""
        escape(value, into: &output)
        return output
    }

    static func escape(_ value: String, into output: inout String) {
        // Most values need no escaping: append them whole rather than scalar by scalar.
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            output += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
    }

    /// A path segment or query value for our own links.
    static func component(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: componentCharacters) ?? ""
    }

    private static let componentCharacters: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~:@")
        return set
    }()

    /// `?a=1&b=2` from the pairs whose value is set.
    static func query(_ pairs: [(String, String?)]) -> String {
        let kept = pairs.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : "\(name)=\(component($0))" } }
        return kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
    }
}

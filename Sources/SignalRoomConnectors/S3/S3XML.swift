/// The little XML S3 answers with: ListObjectsV2 pages and `<Error>` documents.
///
/// Written by hand rather than with FoundationXML: linking libxml2 into the one binary would
/// load it on every start, including `run-due` each minute, to read a handful of flat
/// elements. Reads element text by name, decoding the five predefined entities and
/// numeric character references; S3 keys arrive XML-escaped, not URL-encoded (we do not
/// ask for `encoding-type=url`).
enum S3XML {
    struct ListPage: Equatable {
        var objects: [(key: String, size: Int)]
        var isTruncated: Bool
        var nextContinuationToken: String?

        static func == (lhs: ListPage, rhs: ListPage) -> Bool {
            lhs.objects.map(\.key) == rhs.objects.map(\.key) && lhs.objects.map(\.size) == rhs.objects.map(\.size)
                && lhs.isTruncated == rhs.isTruncated && lhs.nextContinuationToken == rhs.nextContinuationToken
        }
    }

    static func listPage(_ xml: String) -> ListPage? {
        guard xml.contains("<ListBucketResult") else { return nil }
        let objects = elements("Contents", in: xml).map { contents in
            (key: text(of: "Key", in: contents) ?? "", size: Int(text(of: "Size", in: contents) ?? "") ?? 0)
        }
        let truncated = text(of: "IsTruncated", in: xml) == "true"
        return ListPage(objects: objects, isTruncated: truncated, nextContinuationToken: text(of: "NextContinuationToken", in: xml))
    }

    /// `Code` and `Message` of an `<Error>` document; also from the start of one that was
    /// cut short (error excerpts are), where the message may be missing.
    static func error(_ xml: String) -> (code: String, message: String)? {
        guard xml.contains("<Error>"), let code = text(of: "Code", in: xml) else { return nil }
        return (code, text(of: "Message", in: xml) ?? "")
    }

    /// The inner text of each `<name>…</name>` (not nested in itself).
    static func elements(_ name: String, in xml: String) -> [Substring] {
        var result: [Substring] = []
        var rest = xml[...]
        let open = "<\(name)>", close = "</\(name)>"
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            result.append(rest[start.upperBound..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return result
    }

    static func text<S: StringProtocol>(of name: String, in xml: S) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml[open.upperBound...].range(of: "</\(name)>") else {
            return xml.contains("<\(name)/>") ? "" : nil
        }
        return decodeEntities(xml[open.upperBound..<close.lowerBound])
    }

    static func decodeEntities<S: StringProtocol>(_ text: S) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "&", let semicolon = text[index...].firstIndex(of: ";"), text.distance(from: index, to: semicolon) <= 10 {
                let entity = text[text.index(after: index)..<semicolon]
                var decoded: String?
                switch entity {
                case "amp": decoded = "&"
                case "lt": decoded = "<"
                case "gt": decoded = ">"
                case "quot": decoded = "\""
                case "apos": decoded = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let code = UInt32(entity.dropFirst(2), radix: 16) {
                        decoded = Unicode.Scalar(code).map { String(Character($0)) }
                    } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()) {
                        decoded = Unicode.Scalar(code).map { String(Character($0)) }
                    }
                }
                if let decoded {
                    result += decoded
                    index = text.index(after: semicolon)
                    continue
                }
            }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }
}

/// Text from outside (query rows: affiliate labels; parameters: an error message quoting a
/// server) escaped for the channel it is rendered into, so that it reads as text there: a
/// label `<!channel>` must not ping a whole Slack channel, nor `<img onerror=…>` run in an
/// e-mail. The templates' own markup is left as written.
public enum ChannelEscaping {
    /// Slack mrkdwn: `&`, `<` and `>` are its control characters
    /// (https://api.slack.com/reference/surfaces/formatting#escaping); `*` or `_` only style.
    /// E-mail: HTML. SMS and stdout are plain text and stay as they are.
    public static func escape(_ text: String, for channel: String) -> String {
        switch channel {
        case "slack":
            return replacing(text, [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")])
        case "email":
            return replacing(text, [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")])
        default:
            return text
        }
    }

    /// Every string inside a template value (rows, objects, lists), escaped.
    static func escaped(_ value: Any?, for channel: String) -> Any? {
        switch value {
        case let text as String: escape(text, for: channel)
        case let object as [String: Any]: object.mapValues { escaped($0, for: channel) as Any }
        case let list as [Any]: list.map { escaped($0, for: channel) as Any }
        default: value
        }
    }

    private static func replacing(_ text: String, _ pairs: [(String, String)]) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var result = text
        for (character, entity) in pairs { result = result.replacingOccurrences(of: character, with: entity) }
        return result
    }
}

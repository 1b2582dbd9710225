import Foundation

/// Masks secrets in text that is about to reach a history, a log or an error message:
/// the values of secret-looking environment variables, credentials in URL query strings
/// and bearer tokens. Error descriptions from libraries (a URL with `?api_key=…`) are the
/// usual way a secret would leak.
struct SecretRedactor: Sendable {
    private let secrets: [String]

    /// Name fragments of variables whose values are secrets. Matched without a regex:
    /// every command builds a redactor, and compiling an ICU pattern costs ~2 ms at start-up.
    private static let secretNameParts = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"]
    private static let queryCredential = try! NSRegularExpression(
        pattern: "([?&;](?:api[_-]?key|key|token|access_token|secret|password|signature|x-amz-signature|x-amz-credential)=)[^&\\s\"']+",
        options: [.caseInsensitive])
    private static let bearer = try! NSRegularExpression(pattern: "(Bearer\\s+)[A-Za-z0-9._~+/=-]+", options: [])

    init(environment: [String: String]) {
        secrets = environment.compactMap { name, value in
            guard value.count >= 6 else { return nil }
            let upper = name.uppercased()
            return Self.secretNameParts.contains { upper.contains($0) } ? value : nil
        }.sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        for pattern in [Self.queryCredential, Self.bearer] {
            result = pattern.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1***")
        }
        return result
    }
}

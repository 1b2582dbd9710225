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
    /// The password of a URL's user info (`postgres://user:password@host`).
    private static let userInfoPassword = try! NSRegularExpression(pattern: "([a-z][a-z0-9+.-]*://[^:/@\\s]+:)[^@\\s]+@", options: [.caseInsensitive])

    init(environment: [String: String]) {
        var secrets =
            environment.compactMap { name, value in
                guard value.count >= 6 else { return nil }
                let upper = name.uppercased()
                return Self.secretNameParts.contains { upper.contains($0) } ? value : nil
            } + Self.urlPasswords(environment).filter { $0.count >= 4 }
        secrets.sort { $0.count > $1.count }
        self.secrets = secrets
    }

    /// Passwords inside URL-valued variables (`DATABASE_URL`), raw and percent-decoded.
    private static func urlPasswords(_ environment: [String: String]) -> [String] {
        environment.values.filter { $0.contains("://") }.flatMap { value -> [String] in
            guard let password = URLComponents(string: value)?.password, !password.isEmpty else { return [] }
            return [password, password.removingPercentEncoding ?? password]
        }
    }

    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        for pattern in [Self.queryCredential, Self.bearer] {
            result = pattern.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1***")
        }
        result = Self.userInfoPassword.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1***@")
        return result
    }
}

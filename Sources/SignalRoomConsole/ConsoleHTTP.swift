import Foundation

/// A request as the console's pages see it: GET or HEAD, a decoded path and query.
public struct ConsoleRequest: Sendable {
    public var method: String
    /// Percent-decoded path segments: `/runs/a%2Fb` is `["runs", "a/b"]`.
    public var segments: [String]
    public var query: [String: String]
    /// Header names lower-cased.
    public var headers: [String: String]

    public init(method: String, target: String, headers: [String: String]) {
        self.method = method
        self.headers = headers
        let components = URLComponents(string: "http://console" + (target.hasPrefix("/") ? target : "/" + target))
        let path = components?.percentEncodedPath ?? "/"
        segments = path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] where query[item.name] == nil { query[item.name] = item.value ?? "" }
        self.query = query
    }

    /// A query value with surrounding blanks removed; nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let value = query[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }
}

public struct ConsoleResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(String, String)]

    init(status: Int = 200, contentType: String = "text/html; charset=utf-8", body: String, headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = Array(body.utf8)
        self.headers = headers
    }

    static func redirect(_ location: String, headers: [(String, String)] = []) -> ConsoleResponse {
        ConsoleResponse(status: 303, contentType: "text/plain; charset=utf-8", body: "see \(location)\n", headers: [("Location", location)] + headers)
    }

    /// What every answer carries: no scripts, no outside resources, no framing, no caching
    /// of pages that show the state, no referrer leaking ids to other sites.
    static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]
}

/// A page that cannot be shown, with the status it answers.
struct ConsoleProblem: Error {
    var status: Int
    var message: String

    static func notFound(_ message: String) -> ConsoleProblem { ConsoleProblem(status: 404, message: message) }
    static func badRequest(_ message: String) -> ConsoleProblem { ConsoleProblem(status: 400, message: message) }

    var title: String {
        switch status {
        case 400: "Bad request"
        case 403: "Forbidden"
        case 404: "Not found"
        case 405: "Method not allowed"
        default: "Error"
        }
    }
}

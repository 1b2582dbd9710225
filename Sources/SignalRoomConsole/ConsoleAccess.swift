import Foundation

/// Who may read the console. On loopback anyone on this host may, as with the state's files;
/// any other address needs `SIGNALROOM_UI_TOKEN`, as a bearer token or the cookie that a
/// first visit with `?token=` sets. The Host header must name the console itself, so a web
/// page elsewhere cannot read it through a DNS name rebound to 127.0.0.1.
public struct ConsoleAccess: Sendable {
    public let token: String?
    let port: Int
    let allowedHosts: Set<String>

    public static let cookieName = "signalroom_ui_token"
    /// Shorter tokens can be guessed over the network.
    public static let minimumTokenLength = 16

    public init(host: String, port: Int, token: String?) {
        self.token = token
        self.port = port
        // With a token, any name that reaches the console; without, only loopback's names.
        allowedHosts = token != nil ? [] : ["127.0.0.1", "localhost", "[::1]", host.contains(":") ? "[\(host)]" : host]
    }

    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    enum Decision {
        case allowed
        /// A valid `?token=`: set the cookie and go to the same page without it.
        case remember(String)
        case refused(ConsoleProblem)
    }

    func decide(_ request: ConsoleRequest) -> Decision {
        if !allowedHosts.isEmpty {
            let host = request.headers["host"] ?? ""
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.prefix { $0 != ":" })
            guard allowedHosts.contains(name) else {
                return .refused(ConsoleProblem(status: 403, message: "this console answers only to the address it listens on"))
            }
        }
        guard let token else { return .allowed }
        if let given = request.query["token"] {
            return Self.same(given, token) ? .remember(token) : .refused(Self.tokenProblem)
        }
        if let bearer = request.headers["authorization"], bearer.hasPrefix("Bearer "), Self.same(String(bearer.dropFirst(7)), token) {
            return .allowed
        }
        if let cookie = Self.cookie(request.headers["cookie"]), Self.same(cookie, token) { return .allowed }
        return .refused(Self.tokenProblem)
    }

    private static let tokenProblem = ConsoleProblem(
        status: 403, message: "this console needs its token: open it once as /?token=<SIGNALROOM_UI_TOKEN>, or send Authorization: Bearer <token>")

    private static func cookie(_ header: String?) -> String? {
        for part in (header ?? "").split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(cookieName + "=") { return String(pair.dropFirst(cookieName.count + 1)) }
        }
        return nil
    }

    /// Compares in time that depends only on the lengths, not on where the first difference is.
    static func same(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

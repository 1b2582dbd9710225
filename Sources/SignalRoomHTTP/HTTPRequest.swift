import Foundation

/// One HTTP request as a connector describes it; the client adds nothing but what the
/// transport needs.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// Seconds the whole exchange may take before it counts as a transient failure.
    public var timeout: Double

    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A response with its whole body in memory (bodies that can be large go through
/// `ServiceClient.download`, which writes them to a file instead).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header by name, in any case.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}

/// A body streamed to a temporary file; the caller removes it when done.
public struct DownloadedBody: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var file: URL
    public var bytes: Int
}

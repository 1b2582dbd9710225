import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP for the connectors, on URLSession (libcurl on Linux), with TLS verification always
/// on. Transient faults (no connection, a timeout, a cut-off body, 5xx, 429) are retried a
/// few times with exponential back-off and jitter, honouring `Retry-After`; what is still
/// failing after that is thrown as an `HTTPError` for the activity's retry policy.
///
/// Every URL and body excerpt in an error has the client's secrets and credential-looking
/// query parameters masked.
public struct HTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// Attempts per request, the first included.
        public var maximumAttempts = 4
        /// Back-off before the second attempt; doubles each time, up to `maximumDelay`.
        public var initialDelay = 1.0
        public var maximumDelay = 30.0
        /// The longest `Retry-After` waited out in-process; a longer one fails the attempt
        /// (retryable) so the workflow's policy, which can park, takes over.
        public var maximumRetryAfter = 120.0

        public init(maximumAttempts: Int = 4, initialDelay: Double = 1.0, maximumDelay: Double = 30.0, maximumRetryAfter: Double = 120.0) {
            self.maximumAttempts = maximumAttempts
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.maximumRetryAfter = maximumRetryAfter
        }
    }

    /// The service's name for messages ("Everflow").
    public let service: String
    public let configuration: Configuration
    private let secrets: [String]
    private let session: URLSession

    public init(service: String, secrets: [String], configuration: Configuration = Configuration()) {
        self.service = service
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.urlCache = nil
        sessionConfiguration.httpShouldSetCookies = false
        session = URLSession(configuration: sessionConfiguration)
    }

    /// Sends the request and returns a 2xx response with its body.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withRetries(request) {
            let (data, response) = try await session.data(for: urlRequest(request))
            let http = try httpResponse(response, request)
            return (HTTPResponse(status: http.statusCode, headers: headers(of: http), body: data), data)
        }
    }

    /// Streams a 2xx response's body into a temporary file, so memory stays flat however
    /// large the body is (URLSession's data delegate has no back-pressure on Linux).
    public func download(_ request: HTTPRequest, into directory: URL) async throws -> DownloadedBody {
        try await withRetries(request) {
            let (temporary, response) = try await session.download(for: urlRequest(request))
            let http = try httpResponse(response, request)
            let target = directory.appendingPathComponent("download-\(UUID().uuidString)")
            try FileManager.default.moveItem(at: temporary, to: target)
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: target.path))?[.size] as? NSNumber)?.intValue ?? 0
            if !(200..<300).contains(http.statusCode) {
                // Error bodies are small; keep the start for the message and drop the file.
                let handle = try? FileHandle(forReadingFrom: target)
                let head = (try? handle?.read(upToCount: 512)) ?? nil
                try? handle?.close()
                try? FileManager.default.removeItem(at: target)
                return (DownloadedBody(status: http.statusCode, headers: headers(of: http), file: target, bytes: bytes), head ?? Data())
            }
            return (DownloadedBody(status: http.statusCode, headers: headers(of: http), file: target, bytes: bytes), Data())
        }
    }

    /// Decodes a JSON body; HTML error pages and cut-off JSON become a clear error with the
    /// first bytes of the body.
    public func json(_ response: HTTPResponse, from request: HTTPRequest) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
        } catch {
            let type = response.header("Content-Type") ?? "no content type"
            let reason = response.body.isEmpty ? "empty body" : type.contains("json") ? "not valid JSON, possibly cut off" : "expected JSON, got \(type)"
            throw HTTPError.unreadableBody(service: service, url: masked(request.url.absoluteString), reason: reason, excerpt: excerpt(response.body))
        }
    }

    /// The text with the client's secrets and credential query parameters masked.
    public func masked(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// The first bytes of a body as one line of text, secrets masked.
    public func excerpt(_ body: Data, limit: Int = 160) -> String {
        var text = String(decoding: body.prefix(limit), as: UTF8.self)
        text = text.map { $0.isNewline || $0 == "\t" ? " " : String($0) }.joined()
        if body.count > limit { text += "…" }
        return masked(text.trimmingCharacters(in: .whitespaces))
    }

    // MARK: Retrying

    private func withRetries<T>(_ request: HTTPRequest, _ exchange: () async throws -> (T, Data)) async throws -> T
        where T: StatusCarrying {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            var failure: HTTPError
            var wait: Double? = nil
            do {
                let (result, errorBody) = try await exchange()
                if (200..<300).contains(result.status) { return result }
                failure = .status(service: service, url: masked(request.url.absoluteString), code: result.status, excerpt: excerpt(errorBody))
                if result.status == 429 || result.status == 503 { wait = RetryAfter.seconds(result.header("Retry-After")) }
            } catch let error as HTTPError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as URLError where error.code == .cancelled {
                throw CancellationError()
            } catch {
                failure = .unreachable(service: service, url: masked(request.url.absoluteString), reason: masked(describe(error)))
            }
            if let wait, wait > configuration.maximumRetryAfter { throw failure }
            guard failure.isRetryable, attempt < configuration.maximumAttempts else { throw failure }
            let backoff = min(configuration.initialDelay * pow(2, Double(attempt - 1)), configuration.maximumDelay)
            // Jitter spreads retries of many clients; a server's Retry-After is a floor.
            let delay = wait.map { max($0, 0) + Double.random(in: 0...0.25) } ?? backoff * Double.random(in: 0.75...1.25)
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            attempt += 1
        }
    }

    private func describe(_ error: Error) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .timedOut: return "timed out"
        case .cannotConnectToHost: return "connection refused"
        case .networkConnectionLost: return "the connection closed before the whole answer arrived"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return "TLS failed: \(error.localizedDescription)"
        default: return error.localizedDescription
        }
    }

    // MARK: Transport

    private func urlRequest(_ request: HTTPRequest) -> URLRequest {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        return urlRequest
    }

    private func httpResponse(_ response: URLResponse, _ request: HTTPRequest) throws -> HTTPURLResponse {
        guard let http = response as? HTTPURLResponse else {
            throw HTTPError.unreachable(service: service, url: masked(request.url.absoluteString), reason: "the answer was not HTTP")
        }
        return http
    }

    private func headers(of response: HTTPURLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            headers[String(describing: name)] = String(describing: value)
        }
        return headers
    }
}

/// What the retry loop needs to know about a response of either kind.
protocol StatusCarrying {
    var status: Int { get }
    func header(_ name: String) -> String?
}

extension HTTPResponse: StatusCarrying {}

extension DownloadedBody: StatusCarrying {
    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}

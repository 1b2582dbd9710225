import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP client of one outside service (Everflow, Slack, …) for the connectors and
/// channels, on AsyncHTTPClient (SwiftNIO, BoringSSL), with TLS verification always on; named
/// for what it serves, and so as not to shadow AsyncHTTPClient's own `HTTPClient`. It replaced URLSession: importing
/// FoundationNetworking loads libcurl and about 30 libraries behind it at every start of the
/// binary, measured here at 12 ms of a 30 ms `--version` (24 ms against 12 ms for a
/// Foundation-only program), which every quiet once-a-minute `run-due` paid.
///
/// Transient faults (no connection, a timeout, a cut-off body, 5xx, 429) are retried a few
/// times with exponential back-off and jitter, honouring `Retry-After`; what is still failing
/// after that is thrown as an `HTTPError` for the activity's retry policy.
///
/// Every URL and body excerpt in an error has the client's secrets and credential-looking
/// query parameters masked.
public struct ServiceClient: Sendable {
    /// What one client does on a transient fault. The budget against a failing service is
    /// `maximumAttempts` HTTP attempts for each of the activity's attempts (4 × 5 under the
    /// default policy: 20 requests over about 50 s when every one is refused at once).
    public struct Configuration: Sendable {
        /// Attempts per request, the first included.
        public var maximumAttempts = 4
        /// Back-off before the second attempt; doubles each time, up to `maximumDelay`.
        public var initialDelay = 1.0
        public var maximumDelay = 30.0
        /// The longest `Retry-After` waited out in-process; a longer one fails the attempt
        /// (retryable, carrying the wait) so the workflow's policy, which can park, takes over.
        public var maximumRetryAfter = 120.0
        /// Seconds a connection may take to be established; a refused one fails at once.
        public var connectTimeout = 10.0
        /// Told of each attempt about to be retried, with the wait before the next one.
        public var onRetry: (@Sendable (HTTPRetry) -> Void)?

        public init(
            maximumAttempts: Int = 4, initialDelay: Double = 1.0, maximumDelay: Double = 30.0, maximumRetryAfter: Double = 120.0,
            connectTimeout: Double = 10.0, onRetry: (@Sendable (HTTPRetry) -> Void)? = nil
        ) {
            self.maximumAttempts = maximumAttempts
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.maximumRetryAfter = maximumRetryAfter
            self.connectTimeout = connectTimeout
            self.onRetry = onRetry
        }
    }

    /// The service's name for messages ("Everflow").
    public let service: String
    public let configuration: Configuration
    private let secrets: [String]
    private let transport: HTTPTransport
    /// Bodies read into memory (`send`) stop here; large ones go through `download`.
    static let largestBodyInMemory = 512 * 1024 * 1024

    public init(service: String, secrets: [String], configuration: Configuration = Configuration()) {
        self.service = service
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        self.configuration = configuration
        transport = HTTPTransport(connectTimeout: configuration.connectTimeout)
    }

    /// Sends the request and returns a 2xx response with its body.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withRetries(request) {
            let (response, deadline) = try await execute(request)
            let body = try await Self.within(deadline) {
                Data(try await response.body.collect(upTo: Self.largestBodyInMemory).readableBytesView)
            }
            return (HTTPResponse(status: Int(response.status.code), headers: headers(of: response), body: body), body)
        }
    }

    /// Streams a 2xx response's body into a temporary file as it arrives, so memory stays
    /// flat however large the body is. `request.timeout` bounds the wait for the answer to
    /// begin; after that the client's read timeout (90 s) bounds each silence.
    public func download(_ request: HTTPRequest, into directory: URL) async throws -> DownloadedBody {
        try await withRetries(request) {
            let (response, deadline) = try await execute(request)
            let status = Int(response.status.code)
            let target = directory.appendingPathComponent("download-\(UUID().uuidString)")
            if !(200..<300).contains(status) {
                // Keep the start of an error body for the message and leave the rest unread.
                let head = try await Self.within(deadline) {
                    var head = Data()
                    for try await chunk in response.body {
                        head.append(contentsOf: chunk.readableBytesView.prefix(512 - head.count))
                        if head.count >= 512 { break }
                    }
                    return head
                }
                return (DownloadedBody(status: status, headers: headers(of: response), file: target, bytes: 0), head)
            }
            guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
                throw HTTPError.unreachable(
                    service: service, url: masked(request.url.absoluteString),
                    reason: "cannot create \(target.path) for the download")
            }
            var bytes = 0
            do {
                let file = try FileHandle(forWritingTo: target)
                defer { try? file.close() }
                for try await chunk in response.body {
                    try chunk.withUnsafeReadableBytes { try file.write(contentsOf: $0) }
                    bytes += chunk.readableBytes
                }
            } catch {
                try? FileManager.default.removeItem(at: target)
                throw error
            }
            return (DownloadedBody(status: status, headers: headers(of: response), file: target, bytes: bytes), Data())
        }
    }

    /// Decodes a JSON body. JSON that stops short is `truncatedBody` (transient: the
    /// activity's retry asks again); an HTML page or malformed JSON is `unreadableBody`
    /// (final); both carry the first bytes of the body.
    public func json(_ response: HTTPResponse, from request: HTTPRequest) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
        } catch {
            let url = masked(request.url.absoluteString)
            let type = response.header("Content-Type") ?? "no content type"
            if CutOffJSON.isCutOff(response.body) {
                throw HTTPError.truncatedBody(service: service, url: url, excerpt: excerpt(response.body))
            }
            let reason = type.contains("json") ? "not valid JSON" : "expected JSON, got \(type)"
            throw HTTPError.unreadableBody(service: service, url: url, reason: reason, excerpt: excerpt(response.body))
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
        let url = masked(request.url.absoluteString)
        var attempt = 1
        while true {
            try Task.checkCancellation()
            var failure: HTTPError
            var wait: Double? = nil
            do {
                let (result, errorBody) = try await exchange()
                if (200..<300).contains(result.status) { return result }
                if result.status == 429 || result.status == 503, let seconds = RetryAfter.seconds(result.header("Retry-After")) {
                    wait = seconds
                    failure = .throttled(service: service, url: url, code: result.status, retryAfter: seconds, excerpt: excerpt(errorBody))
                } else {
                    failure = .status(service: service, url: url, code: result.status, excerpt: excerpt(errorBody))
                }
            } catch let error as HTTPError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = .unreachable(service: service, url: url, reason: masked(describe(error)))
            }
            // A throttled failure carries its wait to the activity's retry (see `retryAfter`).
            if let wait, wait > configuration.maximumRetryAfter { throw failure }
            guard failure.isRetryable, attempt < configuration.maximumAttempts else { throw failure }
            let backoff = min(configuration.initialDelay * pow(2, Double(attempt - 1)), configuration.maximumDelay)
            // Jitter spreads retries of many clients; a server's Retry-After is a floor.
            let delay = wait.map { max($0, 0) + Double.random(in: 0...0.25) } ?? backoff * Double.random(in: 0.75...1.25)
            configuration.onRetry?(
                HTTPRetry(
                    service: service, url: url, attempt: attempt, maximumAttempts: configuration.maximumAttempts,
                    reason: failure.reason, delay: delay))
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            attempt += 1
        }
    }

    private func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "no connection within \(Self.seconds(configuration.connectTimeout)) s"
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "timed out"
            case .remoteConnectionClosed, .bodyLengthMismatch: return "the connection closed before the whole answer arrived"
            default: return "\(error)"
            }
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "the connection was reset"
            default: return "\(error)"
            }
        }
        if error is NIOSSLError || error is BoringSSLError { return "TLS failed: \(error)" }
        if let error = error as? HTTPParserError, error == .invalidEOFState {
            return "the connection closed before the whole answer arrived"
        }
        if error is BodyTimedOut { return "timed out" }
        return "\(error)"
    }

    // MARK: Transport

    /// Sends the request and waits for the response head, at most `request.timeout`; returns
    /// the response and the moment its body must have arrived by.
    private func execute(_ request: HTTPRequest) async throws -> (HTTPClientResponse, deadline: ContinuousClock.Instant) {
        let milliseconds = max(1, Int64(request.timeout * 1000))
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.replaceOrAdd(name: name, value: value) }
        // URLSession and curl send one; some APIs behind web firewalls refuse requests without.
        if !outgoing.headers.contains(name: "User-Agent") { outgoing.headers.add(name: "User-Agent", value: "signalroom") }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await transport.client.execute(outgoing, timeout: .milliseconds(milliseconds))
            return (response, deadline)
        } catch let error as HTTPClientError where error == .cancelled {
            throw CancellationError()
        }
    }

    /// Runs `work` but gives up at `deadline`: AsyncHTTPClient's own deadline ends when the
    /// response head arrives, and a body that stalls after it must still time out.
    private static func within<T: Sendable>(_ deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw BodyTimedOut() }
            return value
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func headers(of response: HTTPClientResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.headers {
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return headers
    }
}

/// The body did not arrive before the request's deadline.
struct BodyTimedOut: Error {}

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

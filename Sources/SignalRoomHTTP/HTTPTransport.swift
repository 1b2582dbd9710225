import AsyncHTTPClient
import Foundation
import NIOCore

/// The AsyncHTTPClient behind one `ServiceClient` value: created at its first request, shut down
/// when the last copy of that value goes away (a connector's or a channel's lifetime), so
/// connections are reused across the pages of one sync and nothing outlives its user.
///
/// Not `AsyncHTTPClient.HTTPClient.shared`: its configuration is fixed, and with it a refused
/// connection is retried inside the pool until a 90 s connect timeout (AsyncHTTPClient issue
/// #743), so a typo in a `*_BASE_URL` held each HTTP attempt for minutes without a word. Here
/// a failed connect fails the request at once (`retryConnectionEstablishment` off: our own
/// retries back off and log) and an unanswered one after `connectTimeout`.
final class HTTPTransport: @unchecked Sendable {
    private let connectTimeout: Double
    // Guards `created`; NSLock rather than Mutex, which needs macOS 15.
    private let lock = NSLock()
    private var created: AsyncHTTPClient.HTTPClient?

    init(connectTimeout: Double) {
        self.connectTimeout = connectTimeout
    }

    var client: AsyncHTTPClient.HTTPClient {
        lock.withLock {
            if let created { return created }
            // The shared client's settings (redirects, read timeout, decompression, TLS
            // verification), with our connect behaviour.
            var configuration = AsyncHTTPClient.HTTPClient.Configuration.singletonConfiguration
            configuration.timeout.connect = .milliseconds(max(1, Int64(connectTimeout * 1000)))
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = AsyncHTTPClient.HTTPClient(eventLoopGroup: AsyncHTTPClient.HTTPClient.defaultEventLoopGroup, configuration: configuration)
            created = client
            return client
        }
    }

    deinit {
        // The client keeps itself alive until its pool has closed; nobody waits for that.
        created?.shutdown { _ in }
    }
}

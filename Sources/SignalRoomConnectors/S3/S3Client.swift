import Foundation
import SignalRoomHTTP

/// The two S3 calls the exports source makes, signed with Signature V4: ListObjectsV2 and
/// GetObject (streamed to a file). Path-style URLs against `endpoint` (S3-compatible
/// stores, moto), virtual-hosted ones against AWS.
public struct S3Client: Sendable {
    public struct Settings: Sendable {
        public var bucket: String
        public var region: String
        public var accessKeyId: String
        public var secretAccessKey: String
        public var sessionToken: String?
        /// `S3_ENDPOINT_URL`; nil for AWS itself.
        public var endpoint: URL?
        public var http: ServiceClient.Configuration = .init()

        public init(bucket: String, region: String, accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, endpoint: URL? = nil) {
            self.bucket = bucket
            self.region = region
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
            self.endpoint = endpoint
        }
    }

    public let settings: Settings
    private let http: ServiceClient
    private let signer: SignatureV4

    public init(settings: Settings) {
        self.settings = settings
        http = ServiceClient(service: "S3", secrets: [settings.secretAccessKey, settings.sessionToken ?? ""], configuration: settings.http)
        signer = SignatureV4(
            accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, region: settings.region,
            sessionToken: settings.sessionToken)
    }

    public struct Object: Sendable, Hashable {
        public var key: String
        public var size: Int
    }

    /// Every object under `prefix`, following continuation tokens (1,000 keys a page).
    public func list(prefix: String) async throws -> [Object] {
        var objects: [Object] = []
        var token: String? = nil
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let request = signed("GET", key: nil, query: query)
            let response = try await send(request)
            let text = String(decoding: response.body, as: UTF8.self)
            guard let page = S3XML.listPage(text) else {
                throw ConnectorError.unexpectedShape(
                    service: "S3", url: request.url.absoluteString, expected: "a ListBucketResult document",
                    excerpt: http.excerpt(response.body))
            }
            objects += page.objects.map { Object(key: $0.key, size: $0.size) }
            token = page.isTruncated ? page.nextContinuationToken : nil
            if page.isTruncated, token == nil {
                throw ConnectorError.unexpectedShape(
                    service: "S3", url: request.url.absoluteString,
                    expected: "a NextContinuationToken on a truncated page", excerpt: http.excerpt(response.body))
            }
        } while token != nil
        return objects
    }

    /// Streams the object into a file in `directory`; memory stays flat whatever its size.
    public func download(key: String, into directory: URL) async throws -> DownloadedBody {
        let request = signed("GET", key: key, query: [])
        do {
            return try await http.download(request, into: directory)
        } catch let error as HTTPError {
            throw refine(error)
        }
    }

    private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            return try await http.send(request)
        } catch let error as HTTPError {
            throw refine(error)
        }
    }

    /// S3's XML error codes that are about the settings become messages that say which.
    private func refine(_ error: HTTPError) -> Error {
        guard case .status(_, _, let code, let excerpt) = error, let (name, message) = S3XML.error(excerpt) else { return error }
        switch name {
        case "NoSuchBucket":
            return ConnectorError.storageRefused(code: name, message: message, hint: "check S3_BUCKET_NAME (\(settings.bucket)) and S3_ENDPOINT_URL")
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken":
            return ConnectorError.credentialsRefused(service: "S3", variable: "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", status: code, detail: name)
        case "NoSuchKey":
            return ConnectorError.storageRefused(code: name, message: message, hint: "the object was removed while the sync ran; run it again")
        default:
            return error
        }
    }

    // MARK: Signing

    private var hostAndBase: (host: String, base: String, pathPrefix: String) {
        if let endpoint = settings.endpoint {
            let host = (endpoint.host ?? "localhost") + (endpoint.port.map { ":\($0)" } ?? "")
            let base = "\(endpoint.scheme ?? "https")://\(host)"
            let path = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
            return (host, base, path + "/" + settings.bucket)
        }
        let host = "\(settings.bucket).s3.\(settings.region).amazonaws.com"
        return (host, "https://\(host)", "")
    }

    func signed(_ method: String, key: String?, query: [(String, String)], date: Date = Date()) -> HTTPRequest {
        let (host, base, prefix) = hostAndBase
        // Bucket-level requests go to `/bucket` without a trailing slash, as AWS's own
        // clients send them (moto verifies the signature against that form).
        let path = key.map { prefix + "/" + $0 } ?? (prefix.isEmpty ? "/" : prefix)
        let canonicalQuery = SignatureV4.canonicalQuery(query)
        let url = URL(string: base + SignatureV4.encode(path, keepingSlash: true) + (canonicalQuery.isEmpty ? "" : "?" + canonicalQuery))!
        let headers = signer.sign(method: method, host: host, path: path, query: query, date: date)
        return HTTPRequest(method: method, url: url, headers: headers, timeout: key == nil ? 60 : 600)
    }
}

import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests, written against swift-crypto (there is no AWS
/// SDK here). Signs the method, path, query, the `host`, `x-amz-content-sha256` and
/// `x-amz-date` headers (plus any others the caller passes), and the payload hash.
///
/// S3 differs from other services in two ways that matter here: the path is encoded once
/// (not twice), and the payload hash is sent as `x-amz-content-sha256`.
public struct SignatureV4: Sendable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var region: String
    public var service: String
    /// Temporary credentials (`AWS_SESSION_TOKEN`), signed as `x-amz-security-token`.
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, region: String, service: String = "s3", sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
        self.sessionToken = sessionToken
    }

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The headers to add to the request (the Authorization parts separated by ", " as AWS's
    /// own clients write them; moto only parses that form): `Authorization`, `x-amz-date`,
    /// `x-amz-content-sha256` (and `x-amz-security-token` with temporary credentials).
    /// `path` is the decoded path (`/bucket/key with spaces.csv`); `query` the decoded
    /// parameters; `headers` any further headers to sign (e.g. `range`).
    public func sign(
        method: String, host: String, path: String, query: [(String, String)], headers: [String: String] = [:],
        payloadHash: String = emptyPayloadHash, date: Date
    ) -> [String: String] {
        let amzDate = Self.amzDate(date)
        let day = String(amzDate.prefix(8))
        var signed: [String: String] = [:]
        for (name, value) in headers { signed[name.lowercased()] = value.trimmingCharacters(in: .whitespaces) }
        signed["host"] = host
        signed["x-amz-date"] = amzDate
        signed["x-amz-content-sha256"] = payloadHash
        if let sessionToken { signed["x-amz-security-token"] = sessionToken }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!)\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method,
            Self.encodePath(path),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))))"
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        var result = [
            "Authorization": "AWS4-HMAC-SHA256 Credential=\(accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)",
            "x-amz-date": amzDate, "x-amz-content-sha256": payloadHash,
        ]
        if let sessionToken { result["x-amz-security-token"] = sessionToken }
        return result
    }

    private func signingKey(day: String) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let dateKey = mac(SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8)), day)
        return mac(mac(mac(dateKey, region), service), "aws4_request")
    }

    /// `20130524T000000Z`.
    static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }

    /// RFC 3986 unreserved characters stay; every other byte is `%XX` (upper-case hex).
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        var result = ""
        for byte in text.utf8 {
            if unreserved[Int(byte)] || (keepingSlash && byte == 0x2F) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    private static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8) { table[Int(byte)] = true }
        return table
    }()

    static func encodePath(_ path: String) -> String {
        path.isEmpty ? "/" : encode(path, keepingSlash: true)
    }

    /// Parameters sorted by encoded name then value, `name=value` joined by `&`.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

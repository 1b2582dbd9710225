import Foundation
import Testing
@testable import SignalRoomConnectors

/// Signature V4 against the example signatures AWS publishes for S3 ("Examples: Signature
/// Calculations in AWS Signature Version 4"), which botocore reproduces as well.
struct SignatureV4Tests {
    let signer = SignatureV4(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1")
    let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    @Test func getObjectWithRangeMatchesAWSExample() {
        let headers = signer.sign(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [],
            headers: ["Range": "bytes=0-9"], date: date)
        #expect(
            headers["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(headers["x-amz-content-sha256"] == SignatureV4.emptyPayloadHash)
    }

    @Test func getBucketLifecycleMatchesAWSExample() {
        let headers = signer.sign(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/", query: [("lifecycle", "")], date: date)
        #expect(
            headers["Authorization"]?.hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true,
            "\(headers["Authorization"] ?? "")")
    }

    @Test func listObjectsMatchesAWSExample() {
        // Parameters given out of order: the canonical query sorts them.
        let headers = signer.sign(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/",
            query: [("prefix", "J"), ("max-keys", "2")], date: date)
        #expect(
            headers["Authorization"]?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true,
            "\(headers["Authorization"] ?? "")")
    }

    /// Path-style requests to a local store (host with a port), as botocore signs them.
    @Test func pathStyleRequestsWithAPortMatchBotocore() {
        let list = signer.sign(
            method: "GET", host: "127.0.0.1:54340", path: "/exports-x",
            query: [("list-type", "2"), ("prefix", "orders-create/")], date: date)
        #expect(list["Authorization"]?.hasSuffix("Signature=3b89a391cd6522d3f8887f7858a334a65973a0d28eba6bdca05e32663d6aea9d") == true)
        let get = signer.sign(
            method: "GET", host: "127.0.0.1:54340", path: "/exports-x/orders-create/export 2024-12-02 café.csv",
            query: [], date: date)
        #expect(get["Authorization"]?.hasSuffix("Signature=e49aeabd8adfed5f487efe15a5ce20f60c9a1b1e650e381c7ee422c4b4439d7e") == true)
    }

    @Test func keysAreEncodedOnceWithSlashesKept() {
        #expect(
            SignatureV4.encode("orders-create/export 2024-12-02 café+x.csv", keepingSlash: true)
                == "orders-create/export%202024-12-02%20caf%C3%A9%2Bx.csv")
        #expect(
            SignatureV4.canonicalQuery([("prefix", "a b/"), ("list-type", "2"), ("continuation-token", "1/2+3=")])
                == "continuation-token=1%2F2%2B3%3D&list-type=2&prefix=a%20b%2F")
    }

    @Test func sessionTokenIsSignedAndSent() {
        var temporary = signer
        temporary.sessionToken = "token-123"
        let headers = temporary.sign(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [], date: date)
        #expect(headers["x-amz-security-token"] == "token-123")
        #expect(headers["Authorization"]?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token") == true)
    }
}

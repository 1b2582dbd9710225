import Foundation
import SignalRoomHTTP
import Testing

/// The HTTP client's streamed downloads against a real server on loopback: the S3 source
/// reads every object this way.
struct HTTPClientTests {
    @Test func downloadWritesTheWholeBodyToAFileAndAnErrorBodyLeavesNoFileButItsStart() async throws {
        let object = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let errorBody = Data(("<Error><Code>NoSuchKey</Code>" + String(repeating: "x", count: 2_000_000)).utf8)
        let server = try await LoopbackHTTPServer.start { request in
            request.path == "/object"
                ? .respond(status: 200, headers: ["Content-Type": "application/octet-stream"], body: object)
                : .respond(status: 404, headers: ["Content-Type": "application/xml"], body: errorBody)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signalroom-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let client = ServiceClient(service: "Store", secrets: [])

        let downloaded = try await client.download(HTTPRequest(url: URL(string: server.baseURL + "/object")!), into: directory)
        #expect(downloaded.status == 200 && downloaded.bytes == object.count)
        #expect(try Data(contentsOf: downloaded.file) == object)
        try FileManager.default.removeItem(at: downloaded.file)

        do {
            let unexpected = try await client.download(HTTPRequest(url: URL(string: server.baseURL + "/missing")!), into: directory)
            Issue.record("a 404 was returned as a body: \(unexpected)")
        } catch HTTPError.status(let service, _, let code, let excerpt) {
            #expect(service == "Store" && code == 404)
            #expect(excerpt.hasPrefix("<Error><Code>NoSuchKey</Code>xxx") && excerpt.count < 200, "\(excerpt)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no file is left behind")
        #expect(server.requests.count == 2, "a 404 is not retried")
        await server.stop()
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `signalroom ui` started as a process on a free loopback port, and a plain HTTP/1.1 client
/// for it over a socket, so tests choose every byte of a request (method, Host, cookies).
struct ConsoleHarness {
    let process: RunningCommand
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    struct Response {
        var status: Int
        /// Names lower-cased.
        var headers: [String: String]
        var body: String
    }

    /// Starts the console with `cli`'s state and waits for the line that gives its address.
    static func start(
        _ cli: CLIHarness, listen: String = "127.0.0.1:0", options: [String] = [], environment: [String: String] = [:]
    ) async throws -> ConsoleHarness {
        let process = try cli.launch(["ui", "--listen", listen] + options, environment: environment)
        var port = 0
        // Generous: under the full suite on two cores a process can take long to start. A
        // console that never says where it listens is killed, not left running.
        do {
            try await cli.waitUntil(timeout: 120, "signalroom ui to print its address") {
                let line = (try? String(contentsOf: process.stdoutPath, encoding: .utf8)) ?? ""
                guard let range = line.range(of: #":([0-9]+)/ "#, options: .regularExpression) else { return false }
                port = Int(line[range].dropFirst().dropLast(2)) ?? 0
                return port > 0
            }
        } catch {
            process.kill()
            Issue.record("signalroom ui wrote on stderr: \((try? String(contentsOf: process.stderrPath, encoding: .utf8)) ?? "")")
            throw error
        }
        return ConsoleHarness(process: process, port: port)
    }

    func stop() { process.kill() }

    /// The exchange runs on a thread of its own: a socket read blocks, and blocking the two
    /// threads of Swift's cooperative pool stalls every other test in the process (an engine
    /// test's timeout then measures the stall).
    func get(_ path: String, method: String = "GET", headers: [String: String] = [:]) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try self.exchange(path, method: method, headers: headers) })
            }
            thread.start()
        }
    }

    private func exchange(_ path: String, method: String, headers: [String: String]) throws -> Response {
        var lines = ["\(method) \(path) HTTP/1.1"]
        var all = ["Host": "127.0.0.1:\(port)", "Connection": "close"]
        all.merge(headers) { $1 }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        let request = lines.joined(separator: "\r\n") + "\r\n\r\n"
        let bytes = try Self.roundTrip(port: port, request: Array(request.utf8))
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ConsoleClientError(message: "no header end in \(text.prefix(200))") }
        let head = text[..<split.lowerBound].split(separator: "\r\n").map(String.init)
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var parsed: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            parsed[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: parsed, body: String(text[split.upperBound...]))
    }

    struct ConsoleClientError: Error { var message: String }

    private static func roundTrip(port: Int, request: [UInt8]) throws -> [UInt8] {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ConsoleClientError(message: "socket() failed") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ConsoleClientError(message: "cannot connect to 127.0.0.1:\(port)") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw ConsoleClientError(message: "send failed") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(socket, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        return response
    }

    /// Every `href` of our own pages in a body, decoded from its HTML escaping.
    static func links(_ body: String) -> [String] {
        var links: [String] = []
        var rest = body[...]
        while let start = rest.range(of: "href=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let link = String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
            if link.hasPrefix("/") { links.append(link) }
            rest = rest[end...]
        }
        return links
    }
}

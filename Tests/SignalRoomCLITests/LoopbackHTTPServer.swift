import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 (SwiftNIO) that stands in for an outside API in
/// tests: every request is recorded, and a handler decides each answer, including answers
/// a real service gives on a bad day (a body cut off mid-way).
final class LoopbackHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        /// Header names lower-cased.
        var headers: [String: String]
        var body: Data
        var received: Date

        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [String: String], body: Data)
        /// Declares `declaredLength` bytes, sends `body` (fewer) and closes the connection.
        case truncated(declaredLength: Int, body: Data)

        static func json(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> Reply {
            let body = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return .respond(status: status, headers: headers.merging(["Content-Type": "application/json"]) { $1 }, body: body)
        }

        static func text(_ text: String, status: Int, contentType: String = "text/plain", headers: [String: String] = [:]) -> Reply {
            .respond(status: status, headers: headers.merging(["Content-Type": contentType]) { $1 }, body: Data(text.utf8))
        }
    }

    typealias Handler = @Sendable (Request) -> Reply

    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let log: RequestLog

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: Channel, log: RequestLog) {
        self.port = port
        self.group = group
        self.channel = channel
        self.log = log
    }

    static func start(_ handler: @escaping Handler) async throws -> LoopbackHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Exchange(handler: handler, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackHTTPServer(port: channel.localAddress?.port ?? 0, group: group, channel: channel, log: log)
    }

    /// Every request so far, in arrival order.
    var requests: [Request] { log.all }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class RequestLog: @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [Request] = []
        func append(_ request: Request) { lock.withLock { requests.append(request) } }
        var all: [Request] { lock.withLock { requests } }
    }

    private final class Exchange: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let handler: Handler
        let log: RequestLog
        private var head: HTTPRequestHead?
        private var body = Data()

        init(handler: @escaping Handler, log: RequestLog) {
            self.handler = handler
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head else { return }
                let components = URLComponents(string: "http://localhost" + head.uri)
                var query: [String: String] = [:]
                for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(
                    method: head.method.rawValue, path: components?.percentEncodedPath ?? head.uri,
                    query: query, headers: headers, body: body, received: Date())
                log.append(request)
                respond(handler(request), context: context)
            }
        }

        private func respond(_ reply: Reply, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            headers.add(name: "Connection", value: "close")
            let status: Int
            let payload: Data
            switch reply {
            case .respond(let code, let extra, let data):
                status = code
                payload = data
                for (name, value) in extra { headers.add(name: name, value: value) }
                headers.add(name: "Content-Length", value: String(data.count))
            case .truncated(let declared, let data):
                status = 200
                payload = data
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(declared))
            }
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: payload.count)
            buffer.writeBytes(payload)
            if case .truncated = reply {
                // Close without ending the message: the client sees a body that stops short.
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).whenComplete { _ in context.close(promise: nil) }
                return
            }
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }
    }
}

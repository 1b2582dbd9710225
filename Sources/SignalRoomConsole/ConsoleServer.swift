#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The console's HTTP/1.1 server: SwiftNIO's, already in the binary for the PostgreSQL
/// client, rather than a framework for a handful of read-only GET routes. Each request is
/// answered by `Console` on a task of its own and the connection closed.
public final class ConsoleServer: Sendable {
    public let host: String
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    private init(host: String, port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.host = host
        self.port = port
        self.group = group
        self.channel = channel
    }

    /// Binds `host:port` (port 0: any free one). Throws `ConsoleServerError`.
    public static func start(host: String, port: Int, console: Console) async throws -> ConsoleServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                        channel.pipeline.addHandler(Exchange(console: console))
                    }
                }
                .bind(host: host, port: port).get()
            return ConsoleServer(host: host, port: channel.localAddress?.port ?? port, group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            // NIO's IOError names the syscall; the reason is what a person needs.
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw ConsoleServerError(host: host, port: port, reason: reason)
        }
    }

    public var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/" }

    /// Until the listening socket is closed (by `stop`, or never).
    public func wait() async throws { try await channel.closeFuture.get() }

    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Exchange: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let console: Console
        private var head: HTTPRequestHead?

        init(console: Console) { self.console = console }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break  // read-only: a body is never read
            case .end:
                guard let head else { return }
                self.head = nil
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = ConsoleRequest(method: head.method.rawValue, target: head.uri, headers: headers)
                let console = console
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                Task {
                    let response = await console.respond(to: request)
                    loop.execute {
                        let (exchange, context) = bound.value
                        exchange.write(response, head: request.method == "HEAD", context: context)
                    }
                }
            }
        }

        private func write(_ response: ConsoleResponse, head onlyHead: Bool, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: response.contentType)
            headers.add(name: "Content-Length", value: String(response.body.count))
            headers.add(name: "Connection", value: "close")
            for (name, value) in ConsoleResponse.securityHeaders + response.headers { headers.replaceOrAdd(name: name, value: value) }
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if !onlyHead {
                var buffer = context.channel.allocator.buffer(capacity: response.body.count)
                buffer.writeBytes(response.body)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }
    }
}

public struct ConsoleServerError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var reason: String
    public var description: String {
        "cannot listen on \(host):\(port): \(reason); give another --listen address or port"
    }
}

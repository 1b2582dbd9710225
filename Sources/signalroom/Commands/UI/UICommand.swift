import ArgumentParser
import Foundation
import SignalRoomConsole
import SignalRoomCore
import SignalRoomRuntime

struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Serve a read-only web console: runs, schedules, pipelines, reports and health.",
        discussion: """
            Pages are rendered here from the state (files or PostgreSQL) and the warehouse; nothing is loaded \
            from elsewhere, and no request changes anything. It listens on loopback unless --listen names another \
            address, which needs SIGNALROOM_UI_TOKEN (open the console once as /?token=<token>, or send \
            Authorization: Bearer <token>). Ctrl-C stops it.

            Examples:
              signalroom ui --open
              SIGNALROOM_UI_TOKEN=… signalroom ui --listen 0.0.0.0:8484
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free one).", valueName: "host:port"))
    var listen = "127.0.0.1:8484"

    @Flag(help: "Open the console in the default browser (xdg-open).")
    var open = false

    func run() async throws {
        let settings = try global.settings()
        let (host, port) = try Self.address(listen)
        let token = settings.environment[.uiToken]
        if !ConsoleAccess.isLoopback(host) {
            guard let token else {
                throw CommandFailure(
                    "--listen \(listen) is not a loopback address: set \(EnvironmentVariable.uiToken.name) (at least \(ConsoleAccess.minimumTokenLength) characters) so only people with it can read the console",
                    code: .usage)
            }
            guard token.count >= ConsoleAccess.minimumTokenLength else {
                throw CommandFailure(
                    "\(EnvironmentVariable.uiToken.name) has \(token.count) characters; give at least \(ConsoleAccess.minimumTokenLength) (e.g. `openssl rand -hex 16`)",
                    code: .usage)
            }
        }
        // Fail now on a missing state directory rather than on every page.
        _ = try settings.store(create: false)
        let console = Console(data: InstallationConsole(settings: settings), access: ConsoleAccess(host: host, port: port, token: token))
        let server: ConsoleServer
        do {
            server = try await ConsoleServer.start(host: host, port: port, console: console)
        } catch let error as ConsoleServerError {
            throw CommandFailure(error.description, code: .usage)
        }
        // Written at once, not through print's buffer: whoever started it waits for this line.
        FileHandle.standardOutput.write(Data("SignalRoom console at \(server.url) (read-only; Ctrl-C stops it)\n".utf8))
        if open { Self.openInBrowser(server.url) }
        try await server.wait()
    }

    /// `host:port`, `[v6]:port` or `:port` (loopback).
    static func address(_ text: String) throws -> (String, Int) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(after: close)...].drop { $0 == ":" }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw CommandFailure("--listen \"\(text)\": expected host:port, e.g. 127.0.0.1:8484", code: .usage)
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw CommandFailure("--listen \"\(text)\": the port must be a number from 0 to 65535", code: .usage)
        }
        return (host.isEmpty ? "127.0.0.1" : String(host), port)
    }

    private static func openInBrowser(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            FileHandle.standardError.write(Data("signalroom: warning: could not start xdg-open (\(error)); open \(url) yourself\n".utf8))
        }
    }
}

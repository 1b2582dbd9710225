import Foundation
import SignalRoomPipelines
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One self-overwriting progress line per resource on a terminal's stderr: rows, bytes
/// and rate. Nothing at all when stderr is not a terminal (cron, CI, pipes).
final class SyncProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String?
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var lineOpen = false

    static func forStandardError(enabled: Bool) -> SyncProgressLine? {
        enabled && isatty(STDERR_FILENO) == 1 ? SyncProgressLine() : nil
    }

    func update(_ progress: LoadProgress) {
        lock.lock()
        defer { lock.unlock() }
        if current != progress.resource {
            if lineOpen { FileHandle.standardError.write(Data("\n".utf8)) }
            current = progress.resource
            started = Date()
            lineOpen = false
        }
        let now = Date()
        guard progress.finished || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let seconds = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(progress.rowsRead) / seconds
        let text = String(
            format: "\r\u{1B}[2K%@: %@ rows read, %@ committed, %@, %@ rows/s%@", progress.table,
            Self.count(progress.rowsRead), Self.count(progress.rows), Self.bytes(progress.bytesRead),
            Self.count(Int(rate)), progress.finished ? " done" : "")
        FileHandle.standardError.write(Data(text.utf8))
        lineOpen = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if lineOpen { FileHandle.standardError.write(Data("\n".utf8)) }
        lineOpen = false
    }

    static func count(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    static func bytes(_ value: Int) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1000, unit < units.count - 1 { amount /= 1000; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", amount, units[unit])
    }
}

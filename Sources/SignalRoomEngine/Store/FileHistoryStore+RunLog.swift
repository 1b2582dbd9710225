import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Where a run's log lines are kept, next to its history, and read back (`signalroom logs`).
/// A log line is best effort: failing to keep one never fails the run.
public protocol RunLogStore: Sendable {
    func appendLog(_ line: String, to run: RunReference)
    /// The bytes kept from `offset` on (whole lines and perhaps a partial last one).
    func log(of run: RunReference, from offset: Int) -> [UInt8]
}

/// `workflows/<id>/<run>.log`: one JSON object a line (`time`, `level`, `logger`, `message`
/// and the line's metadata), 0600, at most `maximumRunLogBytes`; past that one last line says
/// the rest was not kept. Pruning a run removes its log with its history.
extension FileHistoryStore: RunLogStore {
    public static let maximumRunLogBytes = 1 << 20

    public func logPath(_ run: RunReference) -> String { directory(of: run.workflowId) + "/" + run.runId + ".log" }

    public func appendLog(_ line: String, to run: RunReference) {
        guard PosixFile.exists(directory(of: run.workflowId)) else { return }
        let descriptor = open(logPath(run), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, Int(status.st_size) < Self.maximumRunLogBytes else { return }
        var text = line.hasSuffix("\n") ? line : line + "\n"
        if Int(status.st_size) + text.utf8.count > Self.maximumRunLogBytes {
            text =
                "{\"level\":\"warning\",\"logger\":\"signalroom\",\"message\":\"this run's log reached \(Self.maximumRunLogBytes) bytes: later lines are not kept\"}\n"
        }
        // One write per line: O_APPEND keeps lines of processes writing at once whole.
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
    }

    public func log(of run: RunReference, from offset: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: logPath(run)) else { return [] }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(max(0, offset)))) != nil else { return [] }
        return [UInt8]((try? handle.readToEnd()) ?? Data())
    }
}

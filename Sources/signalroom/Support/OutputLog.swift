import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Sends this process's stdout and stderr to the end of a log file, for commands run where
/// nobody reads a terminal (cron's `run-due`): the file and its directory are created private
/// (0600, 0700), and a file past `limit` bytes is moved to `<file>.1` first (replacing the
/// previous one), so the log keeps at most twice the limit. Redirecting at the descriptors
/// catches everything: log lines, printed results and the final error.
enum OutputLog {
    static let limit = 10 << 20

    static func appendOutput(to path: String, limit: Int = limit) throws {
        let file = URL(fileURLWithPath: path).standardizedFileURL
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandFailure("--log-file \(path): cannot create its directory (\(error.localizedDescription))", code: .usage)
        }
        var status = stat()
        if stat(file.path, &status) == 0, Int(status.st_size) > limit {
            _ = rename(file.path, file.path + ".1")
        }
        let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure("--log-file \(path): cannot open it for appending (\(String(cString: strerror(errno))))", code: .usage)
        }
        fflush(nil)  // what was buffered before the redirection goes where it was meant to
        dup2(descriptor, STDOUT_FILENO)
        dup2(descriptor, STDERR_FILENO)
        close(descriptor)
    }
}

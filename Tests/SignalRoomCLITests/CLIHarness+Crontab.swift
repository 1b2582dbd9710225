import Foundation

extension CLIHarness {
    /// A directory on PATH holding `signalroom` (a symlink to the built binary) and a fake
    /// `crontab` that keeps what it is given in `crontab.txt`.
    func fakeCrontabDirectory() throws -> URL {
        let bin = root.appendingPathComponent("bin dir")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("signalroom").path, withDestinationPath: CLIHarness.binary)
        let fake = bin.appendingPathComponent("crontab")
        let table = root.appendingPathComponent("crontab.txt").path
        try Self.writeExecutable(
            Data(
                """
                #!/bin/sh
                if [ "$1" = "-l" ]; then cat '\(table)' 2>/dev/null && exit 0; echo "no crontab for $(id -un)" >&2; exit 1; fi
                cat > '\(table)'
                """.utf8), to: fake.path)
        return bin
    }

    /// Writes an executable through a descriptor closed on exec: a child that a parallel test
    /// spawns while it is open would otherwise keep it open for its whole life, and exec of the
    /// file then fails with "Text file busy" (`Data.write` and `copyItem` do not set O_CLOEXEC).
    static func writeExecutable(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += written
            }
        }
    }

    static func realBinary() -> String {
        guard let resolved = realpath(CLIHarness.binary, nil) else { return CLIHarness.binary }
        defer { free(resolved) }
        return String(cString: resolved)
    }

}

import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The crontab line that drives `run-due`, and installing it without duplicates: the line
/// is tagged with the state directory, and an existing tagged line is replaced.
///
/// The binary is the running executable's real path (`/proc/self/exe`, symlinks resolved),
/// not `argv[0]`: run as `signalroom` from `PATH`, argv[0] resolved against the working
/// directory named a file that did not exist, and cron failed every minute in silence.
/// Paths are quoted for the shell cron runs the line with, and `%` (a newline to cron) is
/// escaped. Output goes to `<state>/logs/run-due.log` (`run-due --log-file`), not to cron's
/// mail, which a small server rarely delivers anywhere anyone reads.
struct CrontabLine {
    let text: String
    let tag: String
    /// The executable the line runs.
    let binary: String
    private let paths: [String]

    init(settings: Settings) {
        binary = Self.runningExecutable()
        let directory = FileManager.default.currentDirectoryPath
        let state = settings.stateDirectory.path
        paths = [binary, directory, state]
        func cron(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "\\%") }
        tag = cron("# signalroom run-due \(state)")
        let log = Self.shellQuoted(settings.stateDirectory.appendingPathComponent("logs/run-due.log").path)
        text =
            "* * * * * "
            + cron("cd \(Self.shellQuoted(directory)) && \(Self.shellQuoted(binary)) --state \(Self.shellQuoted(state)) run-due --log-file \(log)")
            + " " + tag
    }

    /// Refuses a line cron could not run: a binary that is not an executable file (deleted or
    /// replaced since it started, or on a noexec mount), or a path with a line break.
    func checkInstallable() throws {
        try Self.checkExecutable(binary, flag: "--install-crontab", runner: "cron")
        if let path = paths.first(where: { $0.contains("\n") || $0.contains("\r") }) {
            throw CommandFailure(
                "--install-crontab: the path \(path.debugDescription) has a line break, which a crontab line cannot hold", code: .usage)
        }
    }

    /// Refuses a binary that is not an executable file: `runner` could not start it.
    static func checkExecutable(_ binary: String, flag: String, runner: String) throws {
        var status = stat()
        guard stat(binary, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, access(binary, X_OK) == 0 else {
            throw CommandFailure(
                "\(flag): \(binary) is not an executable file, so \(runner) could not run it; "
                    + "install signalroom (e.g. to /usr/local/bin) and run schedule-setup from there", code: .usage)
        }
    }

    /// This state's line in the user's crontab as it is now; nil when there is none or
    /// `crontab` cannot be run (no cron installed).
    func installedLine() -> String? {
        guard let current = try? crontab(["-l"], input: nil, allowFailure: true) else { return nil }
        return current.split(separator: "\n").map(String.init).last { $0.hasSuffix(tag) }
    }

    /// The executable an installed line runs: the shell word after `&& ` (as `text` writes it).
    static func binary(inLine line: String) -> String? {
        guard let range = line.range(of: " && ") else { return nil }
        var rest = Substring(line[range.upperBound...])
        var word = ""
        while let first = rest.first, first != " " {
            if first == "'" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "'") else { return nil }
                word += rest[..<close]
                rest = rest[rest.index(after: close)...]
            } else if first == "\\" {
                rest = rest.dropFirst()
                if let escaped = rest.first { word.append(escaped); rest = rest.dropFirst() }
            } else {
                word.append(first)
                rest = rest.dropFirst()
            }
        }
        return word.isEmpty ? nil : word.replacingOccurrences(of: "\\%", with: "%")
    }

    func install() throws {
        try checkInstallable()
        let current = try crontab(["-l"], input: nil, allowFailure: true)
        var lines = current.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.hasSuffix(tag) && !$0.hasPrefix("no crontab for") }
        while lines.last == "" { lines.removeLast() }
        lines.append(text)
        _ = try crontab(["-"], input: lines.joined(separator: "\n") + "\n", allowFailure: false)
    }

    /// `text` as one shell word: as is when it is plain, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_/.,:@+=-".unicodeScalars.contains($0)) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The real path of the running executable; argv[0] only where neither the kernel nor
    /// Foundation can say.
    static func runningExecutable() -> String {
        var candidates: [String] = []
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            if count > 0 { candidates.append(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
        #endif
        if let path = Bundle.main.executablePath { candidates.append(path) }
        for candidate in candidates {
            if let resolved = realpath(candidate, nil) {
                defer { free(resolved) }
                return String(cString: resolved)
            }
        }
        // Deleted since it started: /proc says "<path> (deleted)"; the check refuses it.
        return candidates.first ?? CommandLine.arguments[0]
    }

    private func crontab(_ arguments: [String], input: String?, allowFailure: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["crontab"] + arguments
        let output = Pipe()
        let input = input.map { text in
            let pipe = Pipe(); pipe.fileHandleForWriting.write(Data(text.utf8)); try? pipe.fileHandleForWriting.close(); return pipe
        }
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch {
            throw CommandFailure("cannot run crontab (\(error)); install cron (apt-get install cron) or add the line by hand", code: .usage)
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if process.terminationStatus != 0 && !allowFailure {
            throw CommandFailure("crontab failed: \(text.trimmingCharacters(in: .whitespacesAndNewlines))", code: .usage)
        }
        return process.terminationStatus == 0 ? text : ""
    }
}

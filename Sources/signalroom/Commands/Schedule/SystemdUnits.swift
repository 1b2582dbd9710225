import Foundation
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A systemd `.service` and `.timer` that run `run-due` every minute, for hosts without
/// cron: the same command as the crontab line (the real binary, this working directory,
/// this state, output to `<state>/logs/run-due.log`).
///
/// The units are named after the state directory (`systemd-escape --path`), so each project
/// on a host gets its own and installing again replaces them. They go to
/// `/etc/systemd/system` when run as root and to `~/.config/systemd/user` otherwise.
/// `Persistent=true` makes a boot run a pass the host slept through; `Type=oneshot` keeps
/// a slow pass from being started twice by its own timer (a second `run-due` would be safe,
/// only wasted).
struct SystemdUnits {
    let name: String
    let service: String
    let timer: String
    let directory: URL
    let isUserUnit: Bool
    let binary: String
    /// Paths the units hold, which must not break a line.
    private let paths: [String]

    init(settings: Settings, directory override: String?) {
        binary = CrontabLine.runningExecutable()
        let state = settings.stateDirectory.path
        let working = FileManager.default.currentDirectoryPath
        let log = settings.stateDirectory.appendingPathComponent("logs/run-due.log").path
        isUserUnit = getuid() != 0
        paths = [binary, state, working]
        if let override {
            directory = URL(fileURLWithPath: override).standardizedFileURL
        } else if isUserUnit {
            directory = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/systemd/user")
        } else {
            directory = URL(fileURLWithPath: "/etc/systemd/system")
        }
        name = "signalroom-run-due-" + Self.escapedPath(state)
        let command = [binary, "--state", state, "run-due", "--log-file", log].map(Self.quoted).joined(separator: " ")
        service = """
            # Written by signalroom schedule-setup --install-systemd for \(state)
            [Unit]
            Description=SignalRoom run-due for \(Self.specifiersEscaped(state))

            [Service]
            Type=oneshot
            WorkingDirectory=\(Self.specifiersEscaped(working))
            ExecStart=\(command)

            """
        timer = """
            # Written by signalroom schedule-setup --install-systemd for \(state)
            [Unit]
            Description=SignalRoom run-due every minute for \(Self.specifiersEscaped(state))

            [Timer]
            OnCalendar=*-*-* *:*:00
            AccuracySec=1s
            Persistent=true

            [Install]
            WantedBy=timers.target

            """
    }

    /// How to turn them on, as the command prints it.
    var enableCommands: [String] {
        let systemctl = isUserUnit ? "systemctl --user" : "systemctl"
        var commands = ["\(systemctl) daemon-reload", "\(systemctl) enable --now \(name).timer"]
        // A user's timers stop when their last session ends unless lingering is on.
        if isUserUnit { commands.append("loginctl enable-linger \(CrontabLine.shellQuoted(NSUserName()))") }
        return commands
    }

    var servicePath: String { directory.appendingPathComponent("\(name).service").path }
    var timerPath: String { directory.appendingPathComponent("\(name).timer").path }

    func checkInstallable() throws {
        try CrontabLine.checkExecutable(binary, flag: "--install-systemd", runner: "systemd")
        if let path = (paths + [directory.path]).first(where: { $0.contains("\n") || $0.contains("\r") }) {
            throw CommandFailure("--install-systemd: the path \(path.debugDescription) has a line break, which a unit file cannot hold", code: .usage)
        }
    }

    func install() throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (file, text) in [("\(name).service", service), ("\(name).timer", timer)] {
                let url = directory.appendingPathComponent(file)
                let temporary = directory.appendingPathComponent(".\(file).\(getpid())")
                try Data(text.utf8).write(to: temporary)
                _ = chmod(temporary.path, 0o644)
                _ = rename(temporary.path, url.path)
            }
        } catch {
            throw CommandFailure(
                "--install-systemd: cannot write the units to \(directory.path): \(error.localizedDescription); "
                    + "run as root for /etc/systemd/system, or give --systemd-directory", code: .usage)
        }
    }

    /// `systemd-escape --path`: `/srv/signal room/state` → `srv-signal\x20room-state`.
    static func escapedPath(_ path: String) -> String {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        guard !trimmed.isEmpty else { return "-" }
        var escaped = ""
        for (index, byte) in trimmed.utf8.enumerated() {
            let character = Character(Unicode.Scalar(byte))
            if byte == UInt8(ascii: "/") {
                escaped.append("-")
            } else if byte < 0x80
                && (character.isLetter || character.isNumber || character == ":" || character == "_" || (character == "." && index > 0))
            {
                escaped.append(character)
            } else {
                escaped += String(format: "\\x%02x", byte)
            }
        }
        return escaped
    }

    /// One word of a unit's command line: double-quoted, with `\` and `"` escaped, `%`
    /// (a specifier) doubled and `$` (a variable) doubled.
    static func quoted(_ word: String) -> String {
        var text = "\""
        for character in word {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "%": text += "%%"
            case "$": text += "$$"
            default: text.append(character)
            }
        }
        return text + "\""
    }

    /// A setting that takes its value as is (a path, a description): only `%` is special.
    static func specifiersEscaped(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "%%") }
}

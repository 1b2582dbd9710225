import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomReports
import SignalRoomRuntime
import SignalRoomScheduler
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The checks `doctor` runs, in the order it prints them: what drives `run-due` and when it
/// last ran, the state directory, the schedules and the settings they need, the warehouse,
/// the alert channel, the project files. Each check reads; none changes anything.
struct Doctor {
    let settings: Settings
    let now: Date
    /// A pass older than this, while something should call run-due every minute, means it
    /// stopped (three missed minutes, so a slow pass or a reboot is not flagged).
    static let passOverdueSeconds: TimeInterval = 180
    /// An open run no process holds that has been due this long was left behind.
    static let strandedSeconds: TimeInterval = 300

    init(settings: Settings, now: Date) {
        self.settings = settings
        self.now = now
    }

    func run() async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let registered = registeredSchedules()
        let (driver, driven) = driverCheck(hasSchedules: !registered.specs.isEmpty)
        checks.append(driver)
        checks.append(lastPassCheck(driven: driven))
        checks.append(settings.state.isDatabase ? databaseStateCheck() : permissionsCheck())
        checks += registered.damaged
        checks += openRunChecks()
        checks += await scheduleChecks(registered.specs)
        checks.append(await warehouseCheck())
        checks.append(alertChannelCheck())
        checks.append(projectFilesCheck())
        return checks.map(redacted)
    }

    private var secrets: SecretRedactor { SecretRedactor(environment: settings.environment) }

    private func redacted(_ check: DoctorCheck) -> DoctorCheck {
        var check = check
        check.message = secrets.redact(check.message)
        return check
    }

    private var runDueLog: String { settings.stateDirectory.appendingPathComponent("logs/run-due.log").path }
}

// MARK: - What runs run-due

extension Doctor {
    /// The crontab line or the systemd units for this state, and whether either is there.
    func driverCheck(hasSchedules: Bool) -> (DoctorCheck, driven: Bool) {
        let name = "run-due"
        if let line = CrontabLine(settings: settings).installedLine() {
            guard let binary = CrontabLine.binary(inLine: line) else {
                return (
                    .problem(
                        name,
                        "the crontab line for this state cannot be read: \(line); run `signalroom schedule-setup --install-crontab` to rewrite it"),
                    true
                )
            }
            guard Self.isExecutableFile(binary) else {
                return (
                    .problem(
                        name,
                        "the crontab line runs \(binary), which is not an executable file (moved or deleted?); run `signalroom schedule-setup --install-crontab` with the installed binary"
                    ), true
                )
            }
            return (.ok(name, "the crontab line runs \(binary) every minute for this state"), true)
        }
        for directory in ["/etc/systemd/system", FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/systemd/user").path]
        {
            let units = SystemdUnits(settings: settings, directory: directory)
            if FileManager.default.fileExists(atPath: units.timerPath) {
                return (.ok(name, "the systemd timer \(units.timerPath) runs it (check it is enabled: \(units.enableCommands[1]))"), true)
            }
        }
        let message =
            "nothing runs run-due for this state: no crontab line and no systemd timer; run `signalroom schedule-setup --install-crontab` (or --install-systemd)"
        return (hasSchedules ? .problem(name, message) : .warning(name, message + " once there are schedules"), false)
    }

    func lastPassCheck(driven: Bool) -> DoctorCheck {
        let name = "last pass"
        let records = (try? settings.stores().passes.recent(limit: 1)) ?? []
        guard let last = records.first else {
            return .warning(name, "no run-due pass recorded yet" + (driven ? "; cron or the timer should run one within a minute" : ""))
        }
        let age = now.timeIntervalSince(last.started)
        let on = settings.state.isDatabase ? last.host.map { ", on \($0)" } ?? "" : ""
        let when = "\(elapsedText(age)) ago (\(Timestamp.format(last.started))\(on))"
        if age > Self.passOverdueSeconds {
            let message =
                "the last run-due pass was \(when): nothing is calling it; check that cron runs (`systemctl status cron`) and read \(runDueLog)"
            return driven ? .problem(name, message) : .warning(name, message)
        }
        switch last.exitCode {
        case 0:
            return .ok(name, "the last run-due pass was \(when) and exited 0")
        case ExitStatus.workflowUnsuccessful.rawValue:
            return .warning(
                name, "the last run-due pass (\(when)) exited 1: a run it fired or resumed failed; see `signalroom workflow list --status failed`")
        default:
            return .problem(
                name, "the last run-due pass (\(when)) exited \(last.exitCode)\(last.error.map { ": \($0)" } ?? ""); read \(runDueLog)")
        }
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}

// MARK: - The state directory

extension Doctor {
    /// The PostgreSQL state answers, with its schema up to date (connecting migrates it).
    func databaseStateCheck() -> DoctorCheck {
        do {
            let stores = try settings.stores()
            let open = try stores.histories.openRuns().count
            return .ok("state", "PostgreSQL state at \(stores.place) answers (\(open) open run\(open == 1 ? "" : "s"))")
        } catch {
            return .problem("state", "\(error)")
        }
    }

    func permissionsCheck() -> DoctorCheck {
        let name = "state"
        let path = settings.stateDirectory.path
        var status = stat()
        guard stat(path, &status) == 0 else {
            return .warning(name, "\(path) does not exist yet; `signalroom init` creates a project with it (or check --state / SIGNALROOM_STATE)")
        }
        guard access(path, W_OK) == 0 else { return .problem(name, "\(path) is not writable by this user; run signalroom as its owner") }
        if status.st_mode & 0o077 != 0 {
            return .warning(
                name,
                "\(path) is readable by other users (mode \(String(status.st_mode & 0o777, radix: 8))): run `chmod 700 \(CrontabLine.shellQuoted(path))`"
            )
        }
        return .ok(name, "\(path) is private to its owner")
    }

    func registeredSchedules() -> (specs: [Scheduler.Registered], damaged: [DoctorCheck]) {
        guard let scheduler = try? settings.scheduler() else { return ([], []) }
        var specs: [Scheduler.Registered] = []
        var damaged: [DoctorCheck] = []
        let ids: [String]
        do { ids = try scheduler.schedules.ids() } catch {
            return ([], [.problem("schedules", "the registered schedules cannot be listed: \(error)")])
        }
        for id in ids {
            do {
                specs.append(try scheduler.registered(id))
            } catch {
                damaged.append(
                    .problem("schedule \(id)", "\(error); `signalroom schedule-setup` registers it again (its runtime state starts afresh)"))
            }
        }
        return (specs, damaged)
    }

    /// Open runs whose history cannot be read, and runs due that nothing resumed.
    func openRunChecks() -> [DoctorCheck] {
        // A missing state directory is `store(create: false)`'s own refusal.
        guard let store = try? settings.store(create: false) else { return [] }
        let entries: [OpenRunEntry]
        do {
            entries = try store.openRuns()
        } catch {
            return [.problem("open runs", "the open-runs index cannot be read: \(error); run `signalroom workflow reindex`")]
        }
        var checks: [DoctorCheck] = []
        var stranded: [String] = []
        for entry in entries {
            do {
                _ = try store.history(of: entry.run)
            } catch {
                checks.append(
                    .problem(
                        "run \(entry.workflowId)",
                        "\(error); `signalroom workflow terminate \(CrontabLine.shellQuoted(entry.workflowId)) --reason TEXT` closes it and keeps the file aside"
                    ))
                continue
            }
            let due = entry.wakeUpTime ?? entry.startTime
            if !store.isClaimed(entry.run), now.timeIntervalSince(due) > Self.strandedSeconds {
                stranded.append("\(entry.workflowId) (due \(elapsedText(now.timeIntervalSince(due))) ago)")
            }
        }
        if stranded.isEmpty {
            checks.append(.ok("open runs", "\(entries.count) open, none left behind"))
        } else {
            let shown = stranded.prefix(5).joined(separator: ", ") + (stranded.count > 5 ? " and \(stranded.count - 5) more" : "")
            checks.append(
                .warning(
                    "open runs",
                    "\(stranded.count) run\(stranded.count == 1 ? "" : "s") due that nothing resumed: \(shown); `signalroom workflow resume --due` carries them on (run-due does too, when it is called)"
                ))
        }
        return checks
    }
}

// MARK: - Schedules, warehouse, alerts, project files

extension Doctor {
    func scheduleChecks(_ schedules: [Scheduler.Registered]) async -> [DoctorCheck] {
        let inputs = WorkflowInputCheck(configuration: settings.runtime)
        var checks: [DoctorCheck] = []
        for item in schedules {
            let spec = item.spec
            let name = "schedule \(spec.id)"
            var problems = await inputs.problems(workflow: spec.workflow, input: spec.input)
            if problems.isEmpty { problems = inputs.settingsProblems(workflow: spec.workflow, input: spec.input) }
            guard let first = problems.first else {
                checks.append(
                    .ok(
                        name,
                        "\(spec.workflow) at `\(spec.cron)` in \(spec.timeZoneName): input and settings in place\(item.paused ? " (paused)" : "")"))
                continue
            }
            let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
            let message = "\(first.field): \(first.message)\(more); fix schedules.json or the settings (.env), then `signalroom schedule-setup`"
            checks.append(item.paused ? .warning(name, message + " (paused)") : .problem(name, message))
        }
        if schedules.isEmpty {
            checks.append(.warning("schedules", "none registered; `signalroom schedule-setup` registers schedules.json"))
        }
        return checks
    }

    func warehouseCheck() async -> DoctorCheck {
        let name = "warehouse"
        let runtime = settings.runtime
        if runtime.environment[.databaseURL] == nil {
            // The files are created on first load: the directory, or the state above it, must be writable.
            var path = settings.stateDirectory.appendingPathComponent("warehouse").path
            while !FileManager.default.fileExists(atPath: path), path != "/" { path = (path as NSString).deletingLastPathComponent }
            guard access(path, W_OK) == 0 else { return .problem(name, "SQLite under \(path) is not writable by this user; fix its owner or mode") }
        }
        do {
            let destination = try runtime.destination()
            let location = try await Self.withTimeout(seconds: 15) {
                let session = try await destination.session()
                defer { Task { await session.close() } }
                _ = try await session.query("SELECT 1", parameters: [:])
                return session.location
            }
            return .ok(name, "\(runtime.environment[.databaseURL] == nil ? "SQLite" : "PostgreSQL") at \(location) answers")
        } catch {
            return .problem(name, "cannot reach it: \(error); check DATABASE_URL (or unset it for SQLite under the state directory)")
        }
    }

    func alertChannelCheck() -> DoctorCheck {
        let name = "alerts"
        let channel = EnvironmentVariable.alertChannel.valueOrDefault(in: settings.environment)
        if channel == "stdout" {
            return .warning(
                name,
                "failure alerts go to stdout, which under cron is only the run-due log; set SIGNALROOM_ALERT_CHANNEL to slack, email or sms (with that channel's settings)"
            )
        }
        do {
            _ = try settings.runtime.channel(named: channel, output: { _ in })
            return .ok(name, "failure alerts go to \(channel)")
        } catch {
            return .problem(name, "SIGNALROOM_ALERT_CHANNEL=\(channel): \(error)")
        }
    }

    func projectFilesCheck() -> DoctorCheck {
        let name = "reports"
        let library = settings.runtime.reports
        var broken: [String] = []
        for report in library.names where (try? library.report(named: report)) == nil {
            broken.append(report)
        }
        if let first = broken.first, let error = Result(catching: { try library.report(named: first) }).failure {
            return .problem(name, "\(broken.count) of \(library.names.count) reports in \(library.files.origin) cannot be read: \(error)")
        }
        return .ok(name, "\(library.names.count) reports (\(library.names.joined(separator: ", "))) from \(library.files.origin)")
    }

    struct TimedOut: Error, CustomStringConvertible {
        var seconds: Int
        var description: String { "no answer within \(seconds) s" }
    }

    static func withTimeout<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw TimedOut(seconds: seconds)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

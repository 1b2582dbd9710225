import ArgumentParser
import Foundation
import SignalRoomRuntime

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a working project: schedules.json, .env.example, the shipped reports, models and seeds, state/.",
        discussion: """
            Files that exist are kept, never overwritten, so running it again only adds what is missing. \
            The reports, models and seeds are the ones built into this binary; the copies are yours to change.

            Examples:
              signalroom init /srv/signalroom
              cd /srv/signalroom && cp .env.example .env && signalroom doctor
            """)

    @Argument(help: "The project directory (created when missing).")
    var directory: String = "."

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let outcome: ProjectSkeleton.Outcome
        do {
            outcome = try ProjectSkeleton.write(into: target)
        } catch let error as ProjectSkeleton.SkeletonError {
            throw CommandFailure(error.description, code: .usage)
        }
        if json {
            try Output.json(outcome)
            return
        }
        print("\(outcome.written.isEmpty ? "nothing to write in" : "wrote into") \(outcome.directory)")
        for (heading, paths) in [("wrote", outcome.written), ("kept", outcome.kept)] where !paths.isEmpty {
            print("  \(heading): \(Self.summarised(paths).joined(separator: ", "))")
        }
        let cd = CrontabLine.shellQuoted(outcome.directory)
        print(
            """
            next:
              cd \(cd)
              cp .env.example .env          # then set the keys of the sources and channels you use
              signalroom sources            # what each source needs and whether it is set
              signalroom schedule-setup --install-crontab
              signalroom doctor
            """)
    }

    /// `reports/daily_ccw/report.json`, … as `reports/ (19 files)`.
    static func summarised(_ paths: [String]) -> [String] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for path in paths {
            let parts = path.split(separator: "/", maxSplits: 1)
            let key = parts.count > 1 ? "\(parts[0])/" : path
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += parts.count > 1 ? 1 : 0
        }
        return order.map { key in counts[key]! > 0 ? "\(key) (\(counts[key]!) file\(counts[key]! == 1 ? "" : "s"))" : key }
    }
}

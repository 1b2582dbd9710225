import ArgumentParser
import Foundation
import SignalRoomEngine
import SignalRoomCron
import SignalRoomScheduler

struct ScheduleList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Registered schedules with their next fire time.",
        discussion: "A schedule whose state cannot be read is listed as damaged, named on stderr, and the command exits 6.")
    @OptionGroup var global: GlobalOptions

    /// `damaged` (the error) is set, and the spec's fields are absent, for a state that cannot be read.
    struct Row: Encodable {
        var id: String; var cron: String?; var timezone: String?; var workflow: String?
        var paused: Bool?; var next: String?; var lastFire: String?; var damaged: String?
    }

    func run() async throws {
        let settings = try global.settings()
        let scheduler = try settings.scheduler()
        var rows: [Row] = []
        var damage: [String] = []
        for id in try scheduler.schedules.ids() {
            do {
                let item = try scheduler.registered(id)
                rows.append(
                    Row(
                        id: id, cron: item.spec.cron.description, timezone: item.spec.timeZoneName,
                        workflow: item.spec.workflow, paused: item.paused,
                        next: item.spec.cron.nextFireTime(after: Date(), in: item.spec.timeZone).map(ScheduleTime.iso),
                        lastFire: item.state.lastFire.map { ScheduleTime.iso($0.fireTime) }))
            } catch let error as ScheduleStoreError {
                // One bad file must not hide the others: list it as damaged and go on.
                guard case .damaged = error else { throw scheduleFailure(error) }
                rows.append(Row(id: id, damaged: error.description))
                damage.append(error.description)
            }
        }
        if settings.json {
            try Output.json(rows)
        } else if rows.isEmpty {
            print("no schedules registered; `signalroom schedule-setup` registers schedules.json")
        } else {
            print(
                Output.table(
                    ["ID", "CRON", "TIME ZONE", "WORKFLOW", "STATE", "NEXT (UTC)", "LAST FIRE"],
                    rows.map {
                        [
                            $0.id, $0.cron ?? "-", $0.timezone ?? "-", $0.workflow ?? "-",
                            $0.damaged != nil ? "damaged" : $0.paused == true ? "paused" : "active", $0.next ?? "-", $0.lastFire ?? "-",
                        ]
                    }))
        }
        for message in damage { FileHandle.standardError.write(Data("signalroom: error: \(message)\n".utf8)) }
        if !damage.isEmpty { throw ExitCode(ExitStatus.stateDamaged.rawValue) }
    }
}

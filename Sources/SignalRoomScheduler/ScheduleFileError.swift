import Foundation

/// A problem in `schedules.json`, naming the schedule and field.
public struct ScheduleFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var schedule: String?
    public var field: String?
    public var message: String

    public init(path: String, schedule: String?, field: String?, message: String) {
        self.path = path
        self.schedule = schedule
        self.field = field
        self.message = message
    }

    public var description: String {
        var place = path
        if let schedule { place += ": schedule `\(schedule)`" }
        if let field { place += ": field `\(field)`" }
        return "\(place) \(message); nothing was registered"
    }
}

import Foundation

/// One line of `doctor`: what was checked, how it stands, and (unless it is fine) what to do.
struct DoctorCheck: Encodable, Sendable {
    enum Status: String, Encodable, Sendable { case ok, warning, problem }

    var check: String
    var status: Status
    var message: String

    static func ok(_ check: String, _ message: String) -> DoctorCheck { DoctorCheck(check: check, status: .ok, message: message) }
    static func warning(_ check: String, _ message: String) -> DoctorCheck { DoctorCheck(check: check, status: .warning, message: message) }
    static func problem(_ check: String, _ message: String) -> DoctorCheck { DoctorCheck(check: check, status: .problem, message: message) }

    var line: String {
        let label = status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        return "\(label) \(check): \(message)"
    }
}

/// `2h 5m`, `40s`: how long ago, as an operator reads it.
func elapsedText(_ seconds: TimeInterval) -> String {
    let total = max(0, Int(seconds))
    let (days, hours, minutes, rest) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60)
    if days > 0 { return "\(days)d \(hours)h" }
    if hours > 0 { return "\(hours)h \(minutes)m" }
    if minutes > 0 { return "\(minutes)m \(rest)s" }
    return "\(rest)s"
}

import Foundation

/// One run of one workflow id.
public struct RunReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var workflowId: String
    public var runId: String

    public init(workflowId: String, runId: String) {
        self.workflowId = workflowId
        self.runId = runId
    }

    public var description: String { "\(workflowId) (run \(runId))" }

    /// A new run id: a version 7 UUID, so run ids sort in the order runs were created.
    public static func newRunId(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let randomA = generator.next() as UInt64
        let randomB = generator.next() as UInt64
        let high = (millis << 16) | 0x7000 | (randomA & 0x0FFF)
        let low = (randomB & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = String(format: "%016llx%016llx", high, low)
        let characters = Array(hex)
        func part(_ from: Int, _ to: Int) -> String { String(characters[from..<to]) }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }
}

/// An open run as the open-runs index lists it: enough for `run-due` to decide what to
/// resume without reading any history.
public struct OpenRunEntry: Sendable, Hashable, Codable {
    public var workflowId: String
    public var runId: String
    public var workflowType: String
    public var startTime: Date
    /// When the run wants to be resumed; nil while it is runnable or being worked on.
    public var wakeUpTime: Date?

    public init(workflowId: String, runId: String, workflowType: String, startTime: Date, wakeUpTime: Date?) {
        self.workflowId = workflowId
        self.runId = runId
        self.workflowType = workflowType
        self.startTime = startTime
        self.wakeUpTime = wakeUpTime
    }

    public var run: RunReference { RunReference(workflowId: workflowId, runId: runId) }
}

/// A closed run as the closed-runs index lists it.
public struct ClosedRunEntry: Sendable, Hashable, Codable {
    public var workflowId: String
    public var runId: String
    public var workflowType: String
    public var status: RunStatus
    public var startTime: Date
    public var closeTime: Date

    public init(workflowId: String, runId: String, workflowType: String, status: RunStatus, startTime: Date, closeTime: Date) {
        self.workflowId = workflowId
        self.runId = runId
        self.workflowType = workflowType
        self.status = status
        self.startTime = startTime
        self.closeTime = closeTime
    }

    public var run: RunReference { RunReference(workflowId: workflowId, runId: runId) }
}

/// A request from another process to the run's owner, who records it at its next step.
public struct RunRequest: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case cancel, terminate }
    public var kind: Kind
    public var reason: String?
    public var identity: String
    public var time: Date
}

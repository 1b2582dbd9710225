import Foundation

extension HistoryEvent: Codable {
    enum CodingKeys: String, CodingKey { case eventId, eventTime, eventType, attributes }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventId = try container.decode(Int.self, forKey: .eventId)
        time = try container.decode(Date.self, forKey: .eventTime)
        let type = try container.decode(String.self, forKey: .eventType)
        func attributes<T: Decodable>(_ kind: T.Type) throws -> T {
            try container.decode(kind, forKey: .attributes)
        }
        switch type {
        case "WorkflowExecutionStarted": self.attributes = .workflowExecutionStarted(try attributes(WorkflowExecutionStarted.self))
        case "WorkflowExecutionCompleted": self.attributes = .workflowExecutionCompleted(try attributes(WorkflowExecutionCompleted.self))
        case "WorkflowExecutionFailed": self.attributes = .workflowExecutionFailed(try attributes(WorkflowExecutionFailed.self))
        case "WorkflowExecutionCancelRequested": self.attributes = .workflowExecutionCancelRequested(try attributes(WorkflowExecutionCancelRequested.self))
        case "WorkflowExecutionCanceled": self.attributes = .workflowExecutionCanceled(try attributes(WorkflowExecutionCanceled.self))
        case "WorkflowExecutionTerminated": self.attributes = .workflowExecutionTerminated(try attributes(WorkflowExecutionTerminated.self))
        case "ActivityTaskScheduled": self.attributes = .activityTaskScheduled(try attributes(ActivityTaskScheduled.self))
        case "ActivityTaskStarted": self.attributes = .activityTaskStarted(try attributes(ActivityTaskStarted.self))
        case "ActivityTaskHeartbeatRecorded": self.attributes = .activityTaskHeartbeatRecorded(try attributes(ActivityTaskHeartbeatRecorded.self))
        case "ActivityTaskCompleted": self.attributes = .activityTaskCompleted(try attributes(ActivityTaskCompleted.self))
        case "ActivityTaskFailed": self.attributes = .activityTaskFailed(try attributes(ActivityTaskFailed.self))
        case "ActivityTaskTimedOut": self.attributes = .activityTaskTimedOut(try attributes(ActivityTaskTimedOut.self))
        case "ActivityTaskCancelRequested": self.attributes = .activityTaskCancelRequested(try attributes(ActivityTaskCancelRequested.self))
        case "ActivityTaskCanceled": self.attributes = .activityTaskCanceled(try attributes(ActivityTaskCanceled.self))
        case "TimerStarted": self.attributes = .timerStarted(try attributes(TimerStarted.self))
        case "TimerFired": self.attributes = .timerFired(try attributes(TimerFired.self))
        case "TimerCanceled": self.attributes = .timerCanceled(try attributes(TimerCanceled.self))
        default:
            throw DecodingError.dataCorruptedError(forKey: .eventType, in: container,
                debugDescription: "unknown event type `\(type)`")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(time, forKey: .eventTime)
        try container.encode(eventType, forKey: .eventType)
        switch attributes {
        case .workflowExecutionStarted(let a): try container.encode(a, forKey: .attributes)
        case .workflowExecutionCompleted(let a): try container.encode(a, forKey: .attributes)
        case .workflowExecutionFailed(let a): try container.encode(a, forKey: .attributes)
        case .workflowExecutionCancelRequested(let a): try container.encode(a, forKey: .attributes)
        case .workflowExecutionCanceled(let a): try container.encode(a, forKey: .attributes)
        case .workflowExecutionTerminated(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskScheduled(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskStarted(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskHeartbeatRecorded(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskCompleted(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskFailed(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskTimedOut(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskCancelRequested(let a): try container.encode(a, forKey: .attributes)
        case .activityTaskCanceled(let a): try container.encode(a, forKey: .attributes)
        case .timerStarted(let a): try container.encode(a, forKey: .attributes)
        case .timerFired(let a): try container.encode(a, forKey: .attributes)
        case .timerCanceled(let a): try container.encode(a, forKey: .attributes)
        }
    }
}

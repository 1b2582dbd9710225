import Foundation
import Testing

@testable import SignalRoomCore
@testable import SignalRoomEngine

/// What `workflow retry` reuses: the history up to the last point where nothing was in flight.
struct RetryPrefixTests {
    static let time = Timestamp.parse("2026-11-25T04:29:16.123Z")!

    private func history(_ attributes: [EventAttributes]) -> [HistoryEvent] {
        let started = EventAttributes.workflowExecutionStarted(
            .init(workflowType: "demo", workflowId: "x", runId: "r", input: .null, randomSeed: 7, identity: "1@h", historyFormat: 1, schedule: nil))
        return ([started] + attributes).enumerated().map { HistoryEvent(eventId: $0 + 1, time: Self.time, attributes: $1) }
    }

    private func scheduled(_ type: String) -> EventAttributes {
        .activityTaskScheduled(.init(activityType: type, input: .null, options: ActivityOptions()))
    }

    private func completed(_ id: Int) -> EventAttributes { .activityTaskCompleted(.init(scheduledEventId: id, attempt: 1, result: .null)) }

    @Test func thePrefixEndsAfterTheLastPointWhereEveryActivityAndTimerHadFinished() {
        let events = history([
            scheduled("A"), .activityTaskStarted(.init(scheduledEventId: 2, attempt: 1, identity: "1@h")), completed(2),  // 2-4: A done
            scheduled("B"), scheduled("C"), completed(5),  // 5-7: C still in flight
            completed(6),  // 8: both done
            .timerStarted(.init(durationSeconds: 60, fireTime: Self.time)), .timerFired(.init(startedEventId: 9)),  // 9-10
            scheduled("D"), .activityTaskStarted(.init(scheduledEventId: 11, attempt: 1, identity: "1@h")),  // 11-12: D never finished
            .workflowExecutionCanceled(.init(reason: nil)),
        ])
        #expect(WorkflowEngine.reusablePrefix(of: events).map(\.eventId) == Array(2...10))
    }

    @Test func nothingAfterACancelRequestIsReusedAndAnEmptyRunReusesNothing() {
        let events = history([
            scheduled("A"), completed(2), .workflowExecutionCancelRequested(.init(reason: "stop", identity: "1@h")), scheduled("B"),
            completed(5),
        ])
        #expect(WorkflowEngine.reusablePrefix(of: events).map(\.eventId) == [2, 3])
        #expect(WorkflowEngine.reusablePrefix(of: history([scheduled("A")])).isEmpty)
    }
}

import Foundation
import Testing
import SignalRoomEngine
@testable import SignalRoomScheduler

/// The overlap and catch-up rules, decided without processes.
struct DuePlanTests {
    private let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z (a whole hour)

    private func spec(_ cron: String, overlap: OverlapPolicy = .skip, window: String = "24h", paused: Bool = false) throws -> ScheduleSpec {
        let entry: [String: Any] = [
            "id": "s", "cron": cron, "workflow": "demo", "overlap": overlap.rawValue,
            "catchup_window": window, "paused": paused,
        ]
        let data = try JSONSerialization.data(withJSONObject: [entry])
        return try #require(try ScheduleFile.parse(data, path: "schedules.json", knownWorkflows: ["demo"]).first)
    }

    private func minutes(_ count: Int) -> Date { start.addingTimeInterval(Double(count * 60)) }

    @Test func skipStartsOnlyTheLatestOfABacklog() throws {
        let plan = DuePlan.make(spec: try spec("* * * * *"), state: ScheduleState(source: .null, registeredAt: start), openRuns: [], now: minutes(5))
        #expect(plan.start == [minutes(5)])
        #expect(plan.skipped == [minutes(1), minutes(2), minutes(3), minutes(4)])
        #expect(plan.state.handledThrough == minutes(5))
    }

    @Test func skipStartsNothingWhileARunIsOpen() throws {
        let plan = DuePlan.make(
            spec: try spec("* * * * *"), state: ScheduleState(source: .null, registeredAt: start), openRuns: ["s-x"], now: minutes(1))
        #expect(plan.start.isEmpty && plan.skipped == [minutes(1)])
    }

    @Test func bufferAllKeepsEveryTimeAndStartsTheOldestWhenFree() throws {
        var state = ScheduleState(source: .null, registeredAt: start)
        let busy = DuePlan.make(spec: try spec("* * * * *", overlap: .bufferAll), state: state, openRuns: ["s-x"], now: minutes(3))
        #expect(busy.start.isEmpty && busy.state.buffered == [minutes(1), minutes(2), minutes(3)])
        state = busy.state
        let free = DuePlan.make(spec: try spec("* * * * *", overlap: .bufferAll), state: state, openRuns: [], now: minutes(3))
        #expect(free.start == [minutes(1)] && free.state.buffered == [minutes(2), minutes(3)])
    }

    @Test func cancelOtherStopsTheOpenRunAndStartsTheLatest() throws {
        let plan = DuePlan.make(
            spec: try spec("* * * * *", overlap: .cancelOther), state: ScheduleState(source: .null, registeredAt: start),
            openRuns: ["s-old"], now: minutes(2))
        #expect(plan.stopOpenRuns == ["s-old"] && plan.start == [minutes(2)])
    }

    @Test func pausedSchedulesStartNothingAndWriteNothing() throws {
        let state = ScheduleState(source: .null, registeredAt: start)
        let plan = DuePlan.make(spec: try spec("* * * * *", paused: true), state: state, openRuns: ["s-x"], now: minutes(3))
        #expect(plan.start.isEmpty && plan.state == state)
    }

    @Test func timesOlderThanTheCatchUpWindowNeverFire() throws {
        let plan = DuePlan.make(
            spec: try spec("0 * * * *", overlap: .allowAll, window: "90m"), state: ScheduleState(source: .null, registeredAt: start),
            openRuns: [], now: minutes(300))
        #expect(plan.start == [minutes(240), minutes(300)])
    }
}

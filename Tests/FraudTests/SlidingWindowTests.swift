import Fraud
import Testing

/// The windows' edges, their resets, long idle gaps and a clock that goes back: every figure
/// is an exact count of what lies in its window at the moment asked.
@Suite("Sliding windows")
struct SlidingWindowTests {
    static let call = Sample.call("edge")

    @Test("An event counts for the whole period and less than one slot longer", arguments: FraudPeriod.allCases)
    func edges(_ period: FraudPeriod) {
        var monitor = FraudMonitor(rules: [Sample.rule(.spend(period), warning: 1_000_000)])
        let start = Time.monday
        // One cost at the start of a slot, one at its very last millisecond.
        _ = monitor.end(Sample.call("a"), at: start, cost: 1)
        _ = monitor.end(Sample.call("b"), at: start + period.slotMillis - 1, cost: 10)
        let kind = MonitorKind.spend(period)
        let key = FraudScopeKey.account(42)
        #expect(monitor.figure(kind, scope: key, now: start + period.slotMillis - 1) == 11)
        // A whole period after the first: still in (the edge never forgets early).
        #expect(monitor.figure(kind, scope: key, now: start + period.spanMillis) == 11)
        // A whole period after the second, to the millisecond: its last moment in the window,
        // and the first one's; then both are out.
        #expect(monitor.figure(kind, scope: key, now: start + period.longestMillis - 1) == 11)
        #expect(monitor.figure(kind, scope: key, now: start + period.longestMillis) == 0)
        // The same through the mutating path.
        monitor.expire(now: start + period.longestMillis - 1)
        #expect(monitor.readings(now: start + period.longestMillis - 1)[key]?[kind] == 11)
        monitor.expire(now: start + period.longestMillis)
        #expect(monitor.readings(now: start + period.longestMillis).isEmpty)
        #expect(monitor.trackedScopes == 0)
    }

    @Test("Calls per minute: a call exactly one minute and one second later no longer sees the first")
    func callsPerMinuteBoundary() {
        var monitor = FraudMonitor(rules: [Sample.rule(.callsPerMinute, scope: .eachDevice, warning: 2)])
        #expect(monitor.start(Sample.call("1"), at: Time.monday).isEmpty)
        // 60.999 s after the first: both in the window, the warning is reached.
        let second = monitor.start(Sample.call("2"), at: Time.monday + 60_999)
        #expect(second.reported == [Reported("rule", .warning, .device(7), figure: 2, threshold: 2)])
        // 61 s after the first: it has left; the second alone is there with the third.
        var later = FraudMonitor(rules: [Sample.rule(.callsPerMinute, scope: .eachDevice, warning: 2)])
        _ = later.start(Sample.call("1"), at: Time.monday)
        #expect(later.start(Sample.call("2"), at: Time.monday + 61_000).isEmpty)
        #expect(later.figure(.callsPerMinute, scope: .device(7), now: Time.monday + 61_000) == 1)
    }

    @Test("A level is reported once per crossing, and again after the window has emptied")
    func resetsAfterTheWindow() {
        var monitor = FraudMonitor(rules: [Sample.rule("cpm", .callsPerMinute, scope: .eachDevice, warning: 3, critical: 5)])
        var reported: [Reported] = []
        for index in 0..<6 {
            reported += monitor.start(Sample.call("a\(index)"), at: Time.monday + Int64(index) * Time.second).reported
        }
        #expect(reported == [
            Reported("cpm", .warning, .device(7), figure: 3, threshold: 3),
            Reported("cpm", .critical, .device(7), figure: 5, threshold: 5, action: .blockAccount),
        ])
        // Two minutes on, the window is empty: the same burst is reported again.
        reported = []
        for index in 0..<6 {
            reported += monitor.start(Sample.call("b\(index)"), at: Time.monday + 2 * Time.minute + Int64(index) * Time.second).reported
        }
        #expect(reported.map(\.figure) == [3, 5])
        #expect(monitor.figure(.callsPerMinute, scope: .device(7), now: Time.monday + 2 * Time.minute + 5 * Time.second) == 6)
    }

    @Test("Falling below a level between two facts re-arms it, even when the next fact reaches it again")
    func dipBetweenFactsIsSeen() {
        var monitor = FraudMonitor(rules: [Sample.rule("cpm", .callsPerMinute, scope: .eachDevice, warning: 2)])
        _ = monitor.start(Sample.call("1"), at: Time.monday)
        #expect(monitor.start(Sample.call("2"), at: Time.monday + 30 * Time.second).count == 1)
        // At 61 s the first has left (figure 1 < 2) and the third brings it back to 2: a
        // new crossing.
        let third = monitor.start(Sample.call("3"), at: Time.monday + 61 * Time.second)
        #expect(third.reported == [Reported("cpm", .warning, .device(7), figure: 2, threshold: 2)])
        // Still 2 or more: nothing new.
        #expect(monitor.start(Sample.call("4"), at: Time.monday + 62 * Time.second).isEmpty)
    }

    @Test("After a long idle gap nothing old counts and nothing is kept")
    func longIdleGap() {
        var monitor = FraudMonitor()
        let call = Sample.call("old", number: "+33123456789", country: "FR")
        _ = monitor.place(call, at: Time.monday, seconds: 60, cost: 5_000_000)
        #expect(monitor.trackedScopes == 3)
        // A year and a bit later (past every window, the 90-day history included).
        let later = Time.monday + 400 * Time.day
        #expect(monitor.readings(now: later).isEmpty)
        let findings = monitor.place(Sample.call("new", number: "+33123456789", country: "FR"), at: later, seconds: 60, cost: 1_000_000)
        // France is new again after 400 days.
        #expect(findings.reported == [Reported("account-new-country", .warning, .account(42), figure: 1, threshold: 1)])
        #expect(monitor.figure(.spend(.month), scope: .account(42), now: later + Time.minute) == 1_000_000)
        monitor.expire(now: later + 400 * Time.day)
        #expect(monitor.trackedScopes == 0)
        #expect(monitor.liveCalls == 0)
    }

    @Test("A clock that steps back a little is held at the latest time; a late fact counts at its own time")
    func timeGoingBackwards() {
        var monitor = FraudMonitor(rules: [Sample.rule(.calls(.minute), scope: .eachDevice, warning: 100)])
        _ = monitor.start(Sample.call("1"), at: Time.monday + 10 * Time.second)
        // now 300 ms earlier than before: the monitor's time stays where it was.
        _ = monitor.record(.started(Sample.call("2"), at: Time.monday + 10 * Time.second - 300), now: Time.monday + 10 * Time.second - 300)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday) == 2)
        // A fact stamped 20 s before now lands in its own slot and leaves with it.
        _ = monitor.record(.started(Sample.call("3"), at: Time.monday + 5 * Time.second), now: Time.monday + 25 * Time.second)
        // Slots of 1 s: the calls are in slots 5, 9 and 10, and each leaves 61 s after its slot began.
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 25 * Time.second) == 3)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 65 * Time.second + 999) == 3)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 66 * Time.second) == 2)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 70 * Time.second) == 1)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 71 * Time.second) == 0)
        // A fact from the future counts now, not later.
        _ = monitor.record(.started(Sample.call("4"), at: Time.monday + Time.hour), now: Time.monday + 30 * Time.second)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 90 * Time.second + 999) == 1)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 91 * Time.second) == 0)
        // A fact older than every window counts for nothing, and breaks nothing.
        _ = monitor.record(.started(Sample.call("5"), at: 0), now: Time.monday + 30 * Time.second)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Time.monday + 30 * Time.second) == 4)
    }

    @Test("Absurd times and figures do not trap")
    func extremes() {
        var monitor = FraudMonitor()
        let call = Sample.call("x")
        _ = monitor.record(.started(call, at: Int64.min), now: Int64.min)
        _ = monitor.record(.ended(call, at: Int64.max, billableSeconds: Int.max, durationMillis: Int64.max, costMicros: Int64.max), now: Int64.max)
        _ = monitor.record(.ended(Sample.call("y"), at: Int64.max, costMicros: Int64.max), now: Int64.max)
        #expect(monitor.figure(.spend(.hour), scope: .account(42), now: Int64.max) == Int64.max)
        monitor.expire(now: Int64.max)
        _ = monitor.record(.started(Sample.call("z"), at: -5), now: -5)
        #expect(monitor.figure(.calls(.minute), scope: .device(7), now: Int64.max) == 0)
    }
}

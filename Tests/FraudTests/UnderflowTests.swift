import Fraud
import Testing

/// Ends that do not match a start: nothing goes below zero, nothing counts twice, and an
/// end takes back exactly what its own start added.
@Suite("Underflow and duplicates")
struct UnderflowTests {
    static let rules = [
        Sample.rule("concurrent", .concurrentCalls, warning: 2),
        Sample.rule("spend", .spend(.hour), warning: 10_000_000),
        Sample.rule("device-concurrent", .concurrentCalls, scope: .eachDevice, warning: 100),
    ]

    @Test("An end never seen started leaves the concurrent calls at 0 and counts its cost once")
    func endWithoutStart() {
        var monitor = FraudMonitor(rules: Self.rules)
        let orphan = Sample.call("orphan")
        #expect(monitor.end(orphan, at: Time.monday, seconds: 30, cost: 700_000).isEmpty)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday) == 0)
        #expect(monitor.figure(.spend(.hour), scope: .account(42), now: Time.monday) == 700_000)
        // Told again: nothing more.
        _ = monitor.end(orphan, at: Time.monday + 5 * Time.second, seconds: 30, cost: 700_000)
        #expect(monitor.figure(.spend(.hour), scope: .account(42), now: Time.monday + 5 * Time.second) == 700_000)
        // A start of the same call after its end is a stray: not counted.
        _ = monitor.start(orphan, at: Time.monday + 6 * Time.second)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 6 * Time.second) == 0)
        // A real call still counts 1.
        _ = monitor.start(Sample.call("real"), at: Time.monday + 7 * Time.second)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 7 * Time.second) == 1)
    }

    @Test("A call started twice counts once; ended twice, it is taken back once")
    func doubleStartAndEnd() {
        var monitor = FraudMonitor(rules: Self.rules)
        let call = Sample.call("twice")
        let other = Sample.call("other")
        _ = monitor.start(call, at: Time.monday)
        _ = monitor.start(call, at: Time.monday + 1)
        _ = monitor.start(other, at: Time.monday + 2)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 2) == 2)
        #expect(monitor.liveCalls == 2)
        _ = monitor.end(call, at: Time.monday + 10, cost: 1_000_000)
        _ = monitor.end(call, at: Time.monday + 11, cost: 1_000_000)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 11) == 1)
        #expect(monitor.figure(.spend(.hour), scope: .account(42), now: Time.monday + 11) == 1_000_000)
        _ = monitor.end(other, at: Time.monday + 12)
        _ = monitor.end(other, at: Time.monday + 13)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 13) == 0)
        #expect(monitor.figure(.concurrentCalls, scope: .device(7), now: Time.monday + 13) == 0)
        #expect(monitor.liveCalls == 0)
    }

    @Test("An end is counted under its start's account and device, whatever it says itself")
    func endTakesBackItsOwnContribution() {
        var monitor = FraudMonitor(rules: Self.rules)
        _ = monitor.start(Sample.call("a", account: 1, device: 11), at: Time.monday)
        _ = monitor.start(Sample.call("b", account: 2, device: 22), at: Time.monday)
        // The end of "a" names account 2: it is still account 1's call that ends.
        _ = monitor.end(Sample.call("a", account: 2, device: 22), at: Time.monday + Time.second, cost: 3_000_000)
        #expect(monitor.figure(.concurrentCalls, scope: .account(1), now: Time.monday + Time.second) == 0)
        #expect(monitor.figure(.concurrentCalls, scope: .account(2), now: Time.monday + Time.second) == 1)
        #expect(monitor.figure(.concurrentCalls, scope: .device(22), now: Time.monday + Time.second) == 1)
        #expect(monitor.figure(.spend(.hour), scope: .account(1), now: Time.monday + Time.second) == 3_000_000)
        #expect(monitor.figure(.spend(.hour), scope: .account(2), now: Time.monday + Time.second) == 0)
    }

    @Test("A call whose end is lost is dropped after the stale age, and its late end cannot go below zero")
    func lostEnd() {
        var monitor = FraudMonitor(rules: Self.rules)
        let lost = Sample.call("lost")
        _ = monitor.start(lost, at: Time.monday)
        _ = monitor.record(.answered(lost, at: Time.monday + Time.hour), now: Time.monday + Time.hour)
        // Four hours after its answer (its latest fact) it is taken as ended.
        monitor.expire(now: Time.monday + 5 * Time.hour - 1)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 5 * Time.hour - 1) == 1)
        monitor.expire(now: Time.monday + 5 * Time.hour)
        #expect(monitor.liveCalls == 0)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 5 * Time.hour) == 0)
        _ = monitor.end(lost, at: Time.monday + 5 * Time.hour + 1, cost: 2_000_000)
        #expect(monitor.figure(.concurrentCalls, scope: .account(42), now: Time.monday + 5 * Time.hour + 1) == 0)
        #expect(monitor.figure(.spend(.hour), scope: .account(42), now: Time.monday + 5 * Time.hour + 1) == 2_000_000)
    }

    @Test("Negative costs and seconds from a broken record lower nothing")
    func negativeOutcome() {
        var monitor = FraudMonitor(rules: Self.rules + [Sample.rule("seconds", .callSeconds(.hour), warning: 100)])
        _ = monitor.end(Sample.call("plus"), at: Time.monday, seconds: 50, cost: 5_000_000)
        _ = monitor.record(.ended(Sample.call("minus"), at: Time.monday, billableSeconds: -40, durationMillis: -1, costMicros: -4_000_000), now: Time.monday)
        #expect(monitor.figure(.spend(.hour), scope: .account(42), now: Time.monday) == 5_000_000)
        #expect(monitor.figure(.callSeconds(.hour), scope: .account(42), now: Time.monday) == 50)
    }

    @Test("The level of concurrent calls falls with the ends and is reported again when reached again")
    func concurrentLevelRearms() {
        var monitor = FraudMonitor(rules: Self.rules)
        #expect(monitor.start(Sample.call("1"), at: Time.monday).isEmpty)
        #expect(monitor.start(Sample.call("2"), at: Time.monday + 1).reported == [
            Reported("concurrent", .warning, .account(42), figure: 2, threshold: 2)
        ])
        #expect(monitor.start(Sample.call("3"), at: Time.monday + 2).isEmpty)
        _ = monitor.end(Sample.call("1"), at: Time.monday + 3)
        _ = monitor.end(Sample.call("2"), at: Time.monday + 4)
        // Down to one; a second call again is a new crossing.
        #expect(monitor.start(Sample.call("4"), at: Time.monday + 5).reported.map(\.figure) == [2])
    }
}

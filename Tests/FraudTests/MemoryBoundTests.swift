@testable import Fraud
import Testing

/// What the monitors keep shrinks back when the windows empty.
@Suite("Memory bounds")
struct MemoryBoundTests {
    @Test("Scopes with nothing left in any window are forgotten")
    func scopesAreEvicted() {
        var monitor = FraudMonitor()
        for account in 0..<1_000 {
            let call = Sample.call("c\(account)", account: Int64(account), device: Int64(10_000 + account), country: "GB")
            _ = monitor.place(call, at: Time.monday + Int64(account) * 10, seconds: 30, cost: 100_000)
        }
        #expect(monitor.trackedScopes == 2_001)
        // A day on: spend-per-month and the country history still hold the accounts; the
        // devices (calls per minute only) and the switch have nothing left.
        monitor.expire(now: Time.monday + Time.day)
        #expect(monitor.trackedScopes == 1_000)
        // Past the 90-day history nothing is left.
        monitor.expire(now: Time.monday + 91 * Time.day)
        #expect(monitor.trackedScopes == 0)
    }

    @Test("A window keeps at most one entry per slot however many events", arguments: FraudPeriod.allCases)
    func slotsAreBounded(_ period: FraudPeriod) {
        var window = SlidingWindowSum(period: period)
        let step = period.spanMillis / 5_000
        var time = Time.monday
        for _ in 0..<20_000 {
            window.add(3, at: time, now: time)
            window.expire(now: time)
            time += step
        }
        #expect(window.slotCount <= Int(period.spanMillis / period.slotMillis) + 1)
        #expect(window.sum == window.sum(at: time - step))
    }

    @Test("Ended calls' ids are remembered only for a while")
    func endedIdsAreForgotten() {
        var monitor = FraudMonitor()
        for index in 0..<500 {
            _ = monitor.place(Sample.call("e\(index)"), at: Time.monday + Int64(index), seconds: 1)
        }
        #expect(monitor.ended.count == 500)
        monitor.expire(now: Time.monday + 16 * Time.minute)
        #expect(monitor.ended.isEmpty)
        #expect(monitor.liveCalls == 0)
    }

    @Test("A late fact inside the window lands in its own slot, in order")
    func lateFactsKeepOrder() {
        var window = SlidingWindowSum(period: .minute)
        window.add(1, at: Time.monday + 10_000, now: Time.monday + 10_000)
        window.add(2, at: Time.monday + 30_000, now: Time.monday + 30_000)
        window.add(4, at: Time.monday + 20_000, now: Time.monday + 40_000)
        window.add(8, at: Time.monday + 20_500, now: Time.monday + 40_000)
        window.add(16, at: Time.monday + 5_000, now: Time.monday + 40_000)
        #expect(window.slotCount == 4)
        window.expire(now: Time.monday + 66_000)
        #expect(window.sum == 1 + 2 + 4 + 8)
        window.expire(now: Time.monday + 71_000)
        #expect(window.sum == 2 + 4 + 8)
        window.expire(now: Time.monday + 81_000)
        #expect(window.sum == 2)
        window.expire(now: Time.monday + 91_000)
        #expect(window.sum == 0 && window.isEmpty)
    }
}

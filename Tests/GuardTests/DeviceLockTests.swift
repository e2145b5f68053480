import Foundation
import Guard
import SecurityEvents
import Testing

/// Distributed guessing: failures for one device from many sources lock its authentication
/// from new sources; the sources it authenticated from before keep working.
@Suite("Device locks")
struct DeviceLockTests {
    /// Records failures for `username`: `plan` lists (source, how many), one a second from
    /// `start`; returns every decision.
    static func failures(
        _ engine: inout GuardEngine, _ plan: [(String, Int)], username: String? = "alice", from start: Int64 = 0
    ) -> [GuardDecision] {
        var decisions: [GuardDecision] = []
        var second = start
        for (source, count) in plan {
            for _ in 0..<count {
                let time = TestClock.at(second)
                decisions.append(engine.record(Events.authFailure(from: source, at: time, username: username), now: time))
                second += 1
            }
        }
        return decisions
    }

    static func locks(_ decisions: [GuardDecision]) -> [DeviceLockOrder] {
        decisions.flatMap(\.locks)
    }

    /// Three sources, ten failures, none of them reaching sip-auth's threshold on its own.
    static let distributed = [("198.51.100.1", 4), ("198.51.100.2", 4), ("198.51.100.3", 2)]

    @Test("10 failures from 3 sources within 10 minutes lock the device for 15 minutes")
    func locksAfterDistributedFailures() throws {
        var engine = GuardEngine.make()
        let decisions = Self.failures(&engine, Self.distributed)
        #expect(decisions.dropLast().allSatisfy { $0.locks.isEmpty })
        #expect(decisions.allSatisfy { $0.bans.isEmpty })
        let last = try #require(decisions.last)
        #expect(last.locks.count == 1)
        #expect(last.ignored == nil)
        let lock = try #require(last.locks.first)
        #expect(lock.username == "alice")
        #expect(lock.until == TestClock.at(9 + 900))
        #expect(lock.failures == 10)
        #expect(lock.distinctSources == 3)
        #expect(lock.keep.isEmpty)
        #expect(lock.reason == "10 failed authentications from 3 sources within 10m")
    }

    @Test("The default settings: 10 failures, 3 sources, 10 minutes, a 15-minute lock")
    func defaultSettings() {
        let settings = GuardConfiguration().deviceLock
        #expect(settings.enabled)
        #expect(settings.failures == 10)
        #expect(settings.distinctSources == 3)
        #expect(settings.window == 600)
        #expect(settings.lock == 900)
    }

    @Test("Failures from one source alone do not lock (that is sip-auth's job)")
    func oneSourceDoesNotLock() {
        var engine = GuardEngine.make()
        let decisions = Self.failures(&engine, [("198.51.100.1", 30)])
        #expect(Self.locks(decisions).isEmpty)
        #expect(decisions.allBans.map(\.jail) == ["sip-auth"])

        var unjailed = GuardEngine.make { $0.jails = [] }
        #expect(Self.locks(Self.failures(&unjailed, [("198.51.100.1", 30)])).isEmpty)
    }

    @Test("Failures from two sources do not lock")
    func twoSourcesDoNotLock() {
        var engine = GuardEngine.make { $0.jails = [] }
        let decisions = Self.failures(&engine, [("198.51.100.1", 15), ("198.51.100.2", 15)])
        #expect(Self.locks(decisions).isEmpty)
        #expect(decisions.allSatisfy { $0.ignored == .notCounted })
    }

    @Test("Addresses of one IPv6 /64 are one source")
    func ipv6PrefixIsOneSource() {
        var engine = GuardEngine.make { $0.jails = [] }
        let decisions = Self.failures(&engine, [("2001:db8:7::1", 4), ("2001:db8:7::2", 4), ("2001:db8:7::3", 4)])
        #expect(Self.locks(decisions).isEmpty)
        let spread = Self.failures(&engine, [("2001:db8:8::1", 4), ("2001:db8:9::1", 4), ("2001:db8:a::1", 2)], from: 100)
        #expect(Self.locks(spread).count == 1)
    }

    @Test("Failures older than the window do not count toward a lock")
    func windowApplies() {
        var engine = GuardEngine.make()
        _ = Self.failures(&engine, [("198.51.100.1", 3), ("198.51.100.2", 3), ("198.51.100.3", 3)])
        // Exactly ten minutes after the first: it has left the window, nine remain.
        let time = TestClock.at(600)
        #expect(engine.record(Events.authFailure(from: "198.51.100.4", at: time), now: time).locks.isEmpty)
        let lock = engine.record(Events.authFailure(from: "198.51.100.4", at: time), now: time).locks.first
        #expect(lock?.failures == 10)
        #expect(lock?.distinctSources == 4)
    }

    @Test("Failures are per device; failures without a username, or for an unknown user, do not count")
    func perDevice() {
        var engine = GuardEngine.make { $0.jails = [] }
        var decisions = Self.failures(&engine, [("198.51.100.1", 3), ("198.51.100.2", 3)], username: "alice")
        decisions += Self.failures(&engine, [("198.51.100.3", 3), ("198.51.100.4", 3)], username: "bob", from: 6)
        decisions += Self.failures(&engine, [("198.51.100.5", 5), ("198.51.100.6", 5)], username: nil, from: 12)
        for second in Int64(22)..<Int64(32) {
            let time = TestClock.at(second)
            decisions.append(engine.record(Events.make(.unknownUser, from: "198.51.100.\(second)", at: time, username: "alice"), now: time))
        }
        #expect(Self.locks(decisions).isEmpty)
    }

    @Test("The lock keeps the sources the device authenticated from within a day, newest eight at most")
    func keepListsKnownSources() throws {
        var engine = GuardEngine.make()
        let success = { (engine: inout GuardEngine, source: String, username: String, second: Int64) in
            let time = TestClock.at(second)
            _ = engine.record(Events.authSuccess(from: source, at: time, username: username), now: time)
        }
        success(&engine, "192.0.2.10", "alice", -3_600)
        success(&engine, "192.0.2.2", "alice", -7_200)
        success(&engine, "2001:db8:cafe::5", "alice", -60)
        // Two days ago: forgotten.
        success(&engine, "192.0.2.99", "alice", -2 * 86_400)
        // Another device's.
        success(&engine, "192.0.2.50", "bob", -60)
        let lock = try #require(Self.locks(Self.failures(&engine, Self.distributed)).first)
        #expect(lock.keep == [network("192.0.2.2"), network("192.0.2.10"), network("2001:db8:cafe::/64")])

        var busy = GuardEngine.make()
        for index in Int64(1)...Int64(9) { success(&busy, "192.0.2.\(index)", "alice", -100 + index) }
        let busyLock = try #require(Self.locks(Self.failures(&busy, Self.distributed)).first)
        #expect(busyLock.keep.count == 8)
        #expect(!busyLock.keep.contains(network("192.0.2.1")))
    }

    @Test("No second lock while the device is locked; a new one after it ends")
    func noSecondLockWhileLocked() {
        var engine = GuardEngine.make()
        #expect(Self.locks(Self.failures(&engine, Self.distributed)).count == 1)
        let during = Self.failures(&engine, [("198.51.100.4", 4), ("198.51.100.5", 4), ("198.51.100.6", 4)], from: 100)
        #expect(Self.locks(during).isEmpty)
        // The lock ends at 909 s; its failures were not kept.
        let after = Self.failures(&engine, [("198.51.100.7", 4), ("198.51.100.8", 4), ("198.51.100.9", 2)], from: 909)
        #expect(Self.locks(after).count == 1)
        #expect(after.last?.locks.first?.until == TestClock.at(918 + 900))
    }

    @Test("sweep ends the locks that are over and returns their devices, once")
    func sweepEndsLocks() {
        var engine = GuardEngine.make()
        _ = Self.failures(&engine, Self.distributed, username: "alice")
        _ = Self.failures(&engine, [("198.51.100.4", 4), ("198.51.100.5", 4), ("198.51.100.6", 2)], username: "bob", from: 20)
        #expect(engine.sweep(now: TestClock.at(908)) == [])
        #expect(engine.sweep(now: TestClock.at(909)) == ["alice"])
        #expect(engine.sweep(now: TestClock.at(909)) == [])
        #expect(engine.sweep(now: TestClock.at(10_000)) == ["bob"])
    }

    @Test("Device locks can be turned off")
    func disabled() {
        var engine = GuardEngine.make { $0.deviceLock.enabled = false }
        #expect(Self.locks(Self.failures(&engine, Self.distributed)).isEmpty)
    }

    @Test("The lock settings are configurable")
    func customSettings() throws {
        var engine = GuardEngine.make {
            $0.deviceLock.failures = 4
            $0.deviceLock.distinctSources = 2
            $0.deviceLock.window = 60
            $0.deviceLock.lock = 30
        }
        let decisions = Self.failures(&engine, [("198.51.100.1", 3), ("198.51.100.2", 1)])
        let lock = try #require(decisions.last?.locks.first)
        #expect(lock.until == TestClock.at(3 + 30))
        #expect(lock.reason == "4 failed authentications from 2 sources within 1m")
        #expect(engine.sweep(now: TestClock.at(33)) == ["alice"])
    }

    @Test("Failures from trusted sources do not count toward a lock")
    func trustedNotCounted() {
        var engine = GuardEngine.make()
        engine.setAllowList([network("198.51.100.0/24")])
        #expect(Self.locks(Self.failures(&engine, Self.distributed)).isEmpty)
    }
}

import Foundation
import Guard
import SecurityEvents
import Testing

/// The engine around the jails: what is counted and what is not, trusted networks, headroom,
/// bans already in place, bounds, IPv6 prefixes, clock jumps, housekeeping and the
/// explanation of a ban.
@Suite("Guard engine")
struct GuardEngineTests {
    static let source = "203.0.113.5"

    // MARK: - What counts

    @Test("A successful authentication counts nothing and is not reported as ignored")
    func authSuccessCountsZero() {
        var engine = GuardEngine.make { $0.headroomFactor = 1 }
        _ = engine.hits(.authFailure, count: 4)
        for second in Int64(4)..<Int64(40) {
            let decision = engine.record(Events.authSuccess(at: TestClock.at(second)), now: TestClock.at(second))
            #expect(decision.isEmpty)
            #expect(decision.ignored == nil)
        }
        #expect(engine.statistics.values.allSatisfy { $0.eventsCounted == 4 || $0.eventsCounted == 0 })
        // The fifth failure bans: the successes neither added nor took away.
        let decision = engine.hit(.authFailure, at: TestClock.at(40))
        #expect(decision.bans.map(\.jail) == ["sip-auth"])
    }

    @Test("A flood report bans at once, from a known source too: the meter applied the headroom already")
    func floodReportBansKnownSource() throws {
        for standing in [SourceStanding.unknown, .known] {
            var engine = GuardEngine.make()
            let decision = engine.hit(.requestFlood, at: TestClock.at(0), standing: standing)
            let ban = try #require(decision.bans.first, "no ban for a flood report (\(standing))")
            #expect(ban.jail == "sip-flood")
            #expect(ban.expiry == TestClock.at(300))
        }
        // Authentication headroom likewise: the flood jail is not multiplied a second time.
        var engine = GuardEngine.make()
        _ = engine.record(Events.authSuccess(at: TestClock.at(0)), now: TestClock.at(0))
        #expect(engine.hit(.requestFlood, at: TestClock.at(1)).bans.count == 1)
    }

    @Test("Kinds no jail counts are ignored as not counted")
    func unrelatedKindsNotCounted() {
        var engine = GuardEngine.make()
        for second in Int64(0)..<Int64(50) {
            #expect(engine.hit(.deviceLocked, at: TestClock.at(second)).ignored == .notCounted)
        }
        #expect(engine.trackedSources == 0)
        #expect(engine.statistics.values.allSatisfy { $0.eventsCounted == 0 })
    }

    @Test("Events of other jails do not add up in sip-auth")
    func otherKindsDoNotAddUp() throws {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, count: 4)
        #expect(engine.hits(.malformedMessage, count: 9, startingAt: 4).allBans.isEmpty)
        #expect(engine.hits(.webProbe, count: 19, startingAt: 13).allBans.isEmpty)
        let ban = try #require(engine.hit(.authFailure, at: TestClock.at(40)).bans.first)
        #expect(ban.jail == "sip-auth")
        #expect(ban.reason.hasPrefix("5 of 5"))
    }

    @Test("A first 401/407 challenge is not an event at all: no kind stands for it")
    func challengeIsNoEvent() {
        #expect(SecurityEvent.Kind.allCases.allSatisfy { !$0.rawValue.contains("challenge") })
        #expect(SecurityEvent.Kind(rawValue: "challenge") == nil)
        // What sip-auth counts is wrong credentials only.
        #expect(Jail.sipAuth.weights[.unidentifiedCallAttempt] == nil)
        #expect(Jail.sipAuth.weights[.authSuccess] == nil)
    }

    @Test("Weights: a kind of weight 0 is seen but not counted; heavier kinds ban sooner")
    func customWeights() {
        var engine = GuardEngine.make {
            $0.jails = [Jail(name: "weighted", weights: [.authFailure: 2, .unknownUser: 1, .nonceReplay: 0], threshold: 5, window: 60, ban: 60)]
        }
        #expect(engine.hit(.nonceReplay, at: TestClock.at(0)).ignored == .notCounted)
        #expect(engine.hit(.authFailure, at: TestClock.at(1)).isEmpty)
        #expect(engine.hit(.authFailure, at: TestClock.at(2)).isEmpty)
        let decision = engine.hit(.unknownUser, at: TestClock.at(3))
        #expect(decision.bans.count == 1)
        #expect(decision.bans.first?.reason.contains("auth_failure ×4") == true)
        #expect(decision.bans.first?.reason.contains("unknown_user ×1") == true)
        #expect(decision.bans.first?.evidence.map(\.weight) == [2, 2, 1])
    }

    @Test("A source address that cannot be read is ignored")
    func unreadableSource() {
        var engine = GuardEngine.make()
        for text in ["", "not-an-address", "192.0.2.1:5060", "[2001:db8::1]", "300.1.1.1"] {
            #expect(engine.hit(.scannerDetected, from: text, at: TestClock.start).ignored == .unreadableSource, "\(text)")
        }
        #expect(engine.trackedSources == 0)
    }

    // MARK: - Trusted networks

    @Test("The server's own host is trusted by default and never counted")
    func loopbackTrusted() {
        var engine = GuardEngine.make()
        #expect(engine.configuration.trusted == [network("127.0.0.1/32"), network("::1/128")])
        for source in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            for second in Int64(0)..<Int64(10) {
                let decision = engine.hit(.scannerDetected, from: source, at: TestClock.at(second))
                #expect(decision.ignored == .trusted, "\(source)")
                #expect(decision.isEmpty)
            }
        }
        #expect(engine.trackedSources == 0)
        #expect(engine.statistics["sip-scanner"]?.eventsCounted == 0)
        // Only the host: the rest of 127/8 is counted.
        #expect(engine.hit(.scannerDetected, from: "127.0.0.2", at: TestClock.start).bans.count == 1)
    }

    @Test("The allow-list adds to the configured trusted networks, and each call replaces the last")
    func allowListAddsAndReplaces() {
        var engine = GuardEngine.make()
        _ = engine.hit(.malformedMessage, from: "198.51.100.7", at: TestClock.at(0))
        #expect(engine.trackedSources == 1)

        engine.setAllowList([network("198.51.100.0/24"), network("2001:db8:aa::/48")])
        // What was counted for a source now trusted is forgotten.
        #expect(engine.trackedSources == 0)
        #expect(engine.hit(.scannerDetected, from: "198.51.100.7", at: TestClock.at(1)).ignored == .trusted)
        #expect(engine.hit(.scannerDetected, from: "2001:db8:aa:1::9", at: TestClock.at(1)).ignored == .trusted)
        #expect(engine.hit(.scannerDetected, from: "127.0.0.1", at: TestClock.at(1)).ignored == .trusted)
        #expect(engine.isTrusted(AddressKey("198.51.100.200")!))
        #expect(engine.isTrusted(network("198.51.100.128/25")))
        #expect(!engine.isTrusted(network("198.51.100.0/23")))

        engine.setAllowList([network("192.0.2.0/24")])
        #expect(!engine.isTrusted(AddressKey("198.51.100.7")!))
        #expect(engine.hit(.scannerDetected, from: "198.51.100.7", at: TestClock.at(2)).bans.count == 1)
        #expect(engine.hit(.scannerDetected, from: "192.0.2.1", at: TestClock.at(2)).ignored == .trusted)
        // The configured ones stay whatever the allow-list.
        engine.setAllowList([])
        #expect(engine.hit(.scannerDetected, from: "::1", at: TestClock.at(3)).ignored == .trusted)
        #expect(engine.hit(.scannerDetected, from: "192.0.2.1", at: TestClock.at(3)).bans.count == 1)
    }

    @Test("Configured trusted networks replace the default")
    func configuredTrusted() {
        var engine = GuardEngine.make { $0.trusted = [network("10.0.0.0/8")] }
        #expect(engine.hit(.scannerDetected, from: "10.9.8.7", at: TestClock.start).ignored == .trusted)
        #expect(engine.hit(.scannerDetected, from: "127.0.0.1", at: TestClock.start).bans.count == 1)
    }

    @Test("An IPv4-mapped IPv6 source is the IPv4 address")
    func ipv4MappedSource() throws {
        var engine = GuardEngine.make()
        let ban = try #require(engine.hit(.scannerDetected, from: "::ffff:198.51.100.9", at: TestClock.start).bans.first)
        #expect(ban.network == network("198.51.100.9"))
        #expect(ban.network.description == "198.51.100.9/32")
        #expect(engine.hit(.scannerDetected, from: "198.51.100.9", at: TestClock.at(1)).ignored == .alreadyBanned)
    }

    // MARK: - Headroom

    @Test("A known source (live registration, provider) gets thresholds × headroomFactor")
    func knownSourceHeadroom() throws {
        var engine = GuardEngine.make()
        #expect(engine.hits(.authFailure, count: 14, standing: .known).allBans.isEmpty)
        let ban = try #require(engine.hit(.authFailure, at: TestClock.at(14), standing: .known).bans.first)
        #expect(ban.reason.hasPrefix("15 of 15 within 10m"))
        #expect(ban.reason.contains("threshold raised 3x"))
    }

    @Test("A recent successful authentication gives the source headroom")
    func recentAuthHeadroom() throws {
        var engine = GuardEngine.make()
        _ = engine.record(Events.authSuccess(at: TestClock.at(0)), now: TestClock.at(0))
        #expect(engine.authenticatedRecently(AddressKey(Self.source)!, now: TestClock.at(1)))
        #expect(engine.hits(.authFailure, count: 14, startingAt: 1).allBans.isEmpty)
        let ban = try #require(engine.hit(.authFailure, at: TestClock.at(15)).bans.first)
        #expect(ban.reason.contains("of 15"))
        // Only that source.
        #expect(engine.hits(.authFailure, from: "203.0.113.6", count: 5, startingAt: 20).allBans.count == 1)
    }

    @Test("Headroom ends headroomAfterAuth after the authentication")
    func headroomEnds() throws {
        var engine = GuardEngine.make()
        _ = engine.record(Events.authSuccess(at: TestClock.at(0)), now: TestClock.at(0))
        let address = AddressKey(Self.source)!
        #expect(engine.authenticatedRecently(address, now: TestClock.at(600, milliseconds: -1)))
        #expect(!engine.authenticatedRecently(address, now: TestClock.at(600)))
        let decisions = engine.hits(.authFailure, count: 5, startingAt: 600)
        #expect(decisions.allBans.count == 1)
        #expect(decisions[4].bans.first?.reason.contains("raised") == false)
    }

    @Test("headroomFactor and headroomAfterAuth are configurable")
    func headroomConfigurable() {
        var engine = GuardEngine.make {
            $0.headroomFactor = 2
            $0.headroomAfterAuth = 60
        }
        _ = engine.record(Events.authSuccess(at: TestClock.at(0)), now: TestClock.at(0))
        #expect(engine.authenticatedRecently(AddressKey(Self.source)!, now: TestClock.at(59)))
        #expect(!engine.authenticatedRecently(AddressKey(Self.source)!, now: TestClock.at(60)))
        let decisions = engine.hits(.authFailure, count: 10, startingAt: 1)
        #expect(decisions.indices.filter { !decisions[$0].bans.isEmpty } == [9])
    }

    @Test("Headroom from an IPv6 authentication covers its /64")
    func ipv6Headroom() {
        var engine = GuardEngine.make()
        _ = engine.record(Events.authSuccess(from: "2001:db8:5:6::1", at: TestClock.at(0)), now: TestClock.at(0))
        #expect(engine.authenticatedRecently(AddressKey("2001:db8:5:6::99")!, now: TestClock.at(1)))
        #expect(!engine.authenticatedRecently(AddressKey("2001:db8:5:7::1")!, now: TestClock.at(1)))
    }

    // MARK: - Bans in place

    @Test("After a ban, events from the source are not counted again")
    func dedupeAfterBan() {
        var engine = GuardEngine.make()
        #expect(engine.hits(.authFailure, count: 5).allBans.count == 1)
        let later = engine.hits(.authFailure, count: 50, startingAt: 5)
        #expect(later.allSatisfy { $0.ignored == .alreadyBanned && $0.isEmpty })
        #expect(engine.hit(.scannerDetected, at: TestClock.at(60)).ignored == .alreadyBanned)
        #expect(engine.statistics["sip-auth"]?.figures == [5, 1, 0])
    }

    @Test("A ban the executor notes (manual, blocklist, reloaded) stops counting for its network until lifted")
    func dedupeAfterNoteBanUntilLift() {
        var engine = GuardEngine.make()
        let blocked = network("198.51.100.0/24")
        engine.noteBan(blocked, expiry: nil)
        #expect(engine.hit(.scannerDetected, from: "198.51.100.77", at: TestClock.at(0)).ignored == .alreadyBanned)
        #expect(engine.hit(.scannerDetected, from: "198.51.100.78", at: TestClock.at(365 * 86_400)).ignored == .alreadyBanned)
        #expect(engine.hit(.scannerDetected, from: "198.51.101.1", at: TestClock.at(0)).bans.count == 1)
        engine.noteLift(blocked)
        #expect(engine.hit(.scannerDetected, from: "198.51.100.77", at: TestClock.at(1)).bans.count == 1)
    }

    @Test("A noted ban ends at its expiry: from then on the source is counted")
    func dedupeUntilExpiry() {
        var engine = GuardEngine.make()
        engine.noteBan(network(Self.source), expiry: TestClock.at(60))
        #expect(engine.hit(.scannerDetected, at: TestClock.at(60, milliseconds: -1)).ignored == .alreadyBanned)
        #expect(engine.hit(.scannerDetected, at: TestClock.at(60)).bans.count == 1)
    }

    @Test("Lifting the engine's own ban early counts the source afresh, its offense kept")
    func liftOwnBan() throws {
        var engine = GuardEngine.make()
        let first = try #require(engine.hits(.authFailure, count: 5).allBans.first)
        engine.noteLift(first.network)
        let decisions = engine.hits(.authFailure, count: 5, startingAt: 10)
        #expect(decisions[0].ignored == nil)
        #expect(decisions.allBans.map(\.offense) == [2])
    }

    @Test("A noted ban clears what was counted for the source")
    func noteBanClearsCounts() {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, count: 4)
        #expect(engine.trackedSources == 1)
        engine.noteBan(network(Self.source), expiry: TestClock.at(10))
        #expect(engine.trackedSources == 0)
        #expect(engine.hits(.authFailure, count: 4, startingAt: 10).allBans.isEmpty)
    }

    @Test("An ended ban of the source does not hide a wider ban still in place")
    func expiredNarrowBanDoesNotShadowWideBan() {
        var engine = GuardEngine.make()
        // The engine's own 10-minute ban of the address…
        #expect(engine.hits(.authFailure, count: 5).allBans.count == 1)
        // …and a permanent ban of its whole network from the blocklist.
        engine.noteBan(network("203.0.113.0/24"), expiry: nil)
        // After the address's ban ended (no sweep yet), the network's ban still holds.
        let decision = engine.hit(.scannerDetected, at: TestClock.at(4 + 600 + 1))
        #expect(decision.ignored == .alreadyBanned)
        #expect(decision.bans.isEmpty)
    }

    // MARK: - Bounds

    @Test("Beyond maxTrackedSources the longest-quiet sources are forgotten")
    func evictsQuietest() {
        var engine = GuardEngine.make { $0.maxTrackedSources = 10 }
        for index in Int64(0)..<Int64(10) {
            _ = engine.hit(.malformedMessage, from: "198.51.100.\(index)", at: TestClock.at(index))
        }
        // The first is heard from again, so the second is now the quietest.
        _ = engine.hit(.malformedMessage, from: "198.51.100.0", at: TestClock.at(10))
        #expect(engine.trackedSources == 10)
        #expect(engine.evictions == 0)
        _ = engine.hit(.malformedMessage, from: "198.51.100.10", at: TestClock.at(11))
        #expect(engine.trackedSources == 10)
        #expect(engine.evictions == 1)
        let tracked = Set(engine.topSources(limit: 100, now: TestClock.at(11)).map(\.network))
        #expect(tracked.contains(network("198.51.100.0")))
        #expect(!tracked.contains(network("198.51.100.1")))
        #expect(tracked.contains(network("198.51.100.10")))
    }

    static func spoofed(_ index: Int) -> String {
        "10.\(index / 65_536).\(index / 256 % 256).\(index % 256)"
    }

    @Test("A flood of spoofed sources keeps the tracked sources within the cap, counting evictions")
    func spoofedFloodBounded() {
        var engine = GuardEngine.make { $0.maxTrackedSources = 100 }
        var most = 0
        for index in 0..<10_000 {
            _ = engine.hit(.malformedMessage, from: Self.spoofed(index), at: TestClock.at(0, milliseconds: Int64(index)))
            most = max(most, engine.trackedSources)
        }
        #expect(most == 100)
        #expect(engine.trackedSources <= 100)
        #expect(engine.evictions == 10_000 - engine.trackedSources)
        // IPv6: each spoofed /64 is a source of its own, within the same cap.
        for index in 0..<2_000 {
            let text = "2001:db8:\(String(index, radix: 16))::1"
            _ = engine.hit(.malformedMessage, from: text, at: TestClock.at(20, milliseconds: Int64(index)))
        }
        #expect(engine.trackedSources <= 100)
        #expect(engine.evictions == 12_000 - engine.trackedSources)
    }

    @Test("A spoofed flood of successful authentications keeps the headroom table bounded")
    func authenticatedBounded() throws {
        var engine = GuardEngine.make { $0.maxTrackedSources = 100 }
        for index in 0..<5_000 {
            let time = TestClock.at(0, milliseconds: Int64(index))
            _ = engine.record(Events.authSuccess(from: Self.spoofed(index), at: time, username: nil), now: time)
        }
        let authenticated = try #require(storedEntryCount("authenticated", of: engine))
        #expect(authenticated <= 100)
        // The most recent are the ones kept.
        #expect(engine.authenticatedRecently(AddressKey(Self.spoofed(4_999))!, now: TestClock.at(10)))
    }

    @Test("A spoofed flood of scanner packets, each banning its source, keeps the engine's tables bounded")
    func spoofedScannerFloodBounded() throws {
        var engine = GuardEngine.make { $0.maxTrackedSources = 100 }
        var bans = 0
        for index in 0..<2_000 {
            bans += engine.hit(.scannerDetected, from: Self.spoofed(index), at: TestClock.at(0, milliseconds: Int64(index))).bans.count
        }
        #expect(bans == 2_000)
        #expect(engine.trackedSources <= 100)
        let offenses = try #require(storedEntryCount("offenses", of: engine))
        #expect(offenses <= 100)
        // Every one of these bans is permanent: a table of them that only grows would let a
        // spoofed flood (one UDP packet per made-up address) grow the engine without bound.
        let banned = try #require(storedEntryCount("banned", of: engine))
        #expect(banned <= 100)
    }

    // MARK: - IPv6 offenders

    @Test("IPv6 sources are counted and banned by their /64")
    func ipv6By64() throws {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, from: "2001:db8:1:2::1", count: 3)
        #expect(engine.hits(.authFailure, from: "2001:db8:1:3::1", count: 4, startingAt: 3).allBans.isEmpty)
        #expect(engine.trackedSources == 2)
        let ban = try #require(engine.hits(.authFailure, from: "2001:db8:1:2:ffff:ffff:ffff:ffff", count: 2, startingAt: 7).allBans.first)
        #expect(ban.network == network("2001:db8:1:2::/64"))
        #expect(ban.network.description == "2001:db8:1:2::/64")
        #expect(ban.reason.hasPrefix("5 of 5"))
        #expect(ban.evidence.count == 5)
        #expect(engine.hit(.authFailure, from: "2001:db8:1:2::abcd", at: TestClock.at(10)).ignored == .alreadyBanned)
        #expect(engine.hit(.authFailure, from: "2001:db8:1:3::2", at: TestClock.at(10)).ignored == nil)
    }

    @Test("The IPv6 prefix length is configurable (/56)")
    func ipv6PrefixConfigurable() throws {
        var engine = GuardEngine.make { $0.ipv6PrefixLength = 56 }
        _ = engine.hits(.authFailure, from: "2001:db8:1:2::1", count: 2)
        _ = engine.hits(.authFailure, from: "2001:db8:1:3::1", count: 2, startingAt: 2)
        #expect(engine.trackedSources == 1)
        let ban = try #require(engine.hit(.authFailure, from: "2001:db8:1:ff::1", at: TestClock.at(4)).bans.first)
        #expect(ban.network == network("2001:db8:1::/56"))
        #expect(engine.hit(.authFailure, from: "2001:db8:1:100::1", at: TestClock.at(5)).ignored == nil)
        // IPv4 stays a single address.
        #expect(try #require(engine.hit(.scannerDetected, from: "192.0.2.1", at: TestClock.at(6)).bans.first).network == network("192.0.2.1/32"))
    }

    // MARK: - Clock jumps

    @Test("The wall clock going back an hour neither crashes nor loses the events counted")
    func clockBackKeepsEvents() {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, count: 4)
        let decision = engine.hit(.authFailure, at: TestClock.at(-3_600))
        #expect(decision.bans.count == 1)
        #expect(decision.bans.first?.start == TestClock.at(-3_600))
        #expect(decision.bans.first?.expiry == TestClock.at(-3_000))
    }

    @Test("Events from before the clock went back do not stay until the clock catches up")
    func clockBackDoesNotKeepEventsForever() {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, count: 3)
        // Back an hour: the three count from now.
        #expect(engine.hit(.authFailure, at: TestClock.at(-3_600)).isEmpty)
        // A window later they have gone, though the clock is still 50 minutes short of them.
        #expect(engine.hits(.authFailure, count: 4, startingAt: -3_000).allBans.isEmpty)

        var swept = GuardEngine.make()
        _ = swept.hits(.authFailure, count: 4)
        _ = swept.sweep(now: TestClock.at(-3_600))
        #expect(swept.trackedSources == 1)
        #expect(swept.hit(.authFailure, at: TestClock.at(-3_000)).isEmpty)
        _ = swept.sweep(now: TestClock.at(-2_400))
        #expect(swept.trackedSources == 0)
    }

    @Test("The wall clock jumping forward expires the windows")
    func clockForwardExpires() {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, count: 4)
        #expect(engine.hit(.authFailure, at: TestClock.at(86_400)).isEmpty)
        #expect(engine.trackedSources == 1)
        _ = engine.sweep(now: TestClock.at(2 * 86_400))
        #expect(engine.trackedSources == 0)
    }

    @Test("The wall clock going back does not stretch a source's headroom")
    func clockBackDoesNotStretchHeadroom() {
        var engine = GuardEngine.make()
        _ = engine.record(Events.authSuccess(at: TestClock.at(0)), now: TestClock.at(0))
        _ = engine.sweep(now: TestClock.at(-3_600))
        // Ten minutes after the jump (the clock still shows 50 minutes before the success).
        let stillRecent = engine.authenticatedRecently(AddressKey(Self.source)!, now: TestClock.at(-3_000))
        #expect(!stillRecent)
        #expect(engine.hits(.authFailure, count: 5, startingAt: -3_000).allBans.count == 1)
    }

    // MARK: - Extremes

    @Test("Escalation past what fits in a date's milliseconds neither traps nor ends the ban")
    func escalationOverflowDoesNotTrap() async {
        // In a child process: a trap here would otherwise end the whole test run.
        await #expect(processExitsWith: .success) {
            var engine = GuardEngine.make {
                $0.jails = [Jail(name: "steep", weights: [.scannerDetected: 1], threshold: 1, window: 60, ban: 600, escalation: 2)]
            }
            // banDuration(offense: 101) overflows: the ban is permanent (over TCP: a single UDP
            // packet never earns a permanent ban).
            engine.restoreOffenses([network("203.0.113.5"): 100])
            let start = TestClock.start, later = TestClock.at(365 * 86_400)
            let decision = engine.record(Events.make(.scannerDetected, at: start, transport: "tcp"), now: start)
            precondition(decision.bans.count == 1)
            precondition(engine.record(Events.make(.scannerDetected, at: later, transport: "tcp"), now: later).ignored == .alreadyBanned)
        }
    }

    @Test("The longest durations the configuration accepts neither trap nor wrap")
    func longestConfiguredDurations() async {
        await #expect(processExitsWith: .success) {
            // Built directly, past what the configuration accepts: nothing may trap.
            let longest = Int.max / 3
            var engine = GuardEngine.make {
                $0.jails = [Jail(name: "long", weights: [.webProbe: 1, .authFailure: 1], threshold: 2, window: longest, ban: longest)]
                $0.headroomAfterAuth = longest
                $0.deviceLock.window = longest
                $0.deviceLock.lock = longest
                $0.deviceLock.failures = 3
            }
            _ = engine.record(Events.authSuccess(from: "192.0.2.1", at: TestClock.start), now: TestClock.start)
            _ = engine.hit(.webProbe, at: TestClock.at(0))
            let decision = engine.hit(.webProbe, at: TestClock.at(1))
            precondition(decision.bans.count == 1)
            precondition(engine.hit(.webProbe, at: TestClock.at(365 * 86_400)).ignored == .alreadyBanned)
            var locks = 0
            for (index, source) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"].enumerated() {
                let time = TestClock.at(Int64(index))
                locks += engine.record(Events.authFailure(from: source, at: time), now: time).locks.count
            }
            precondition(locks == 1)
            precondition(engine.authenticatedRecently(AddressKey("192.0.2.1")!, now: TestClock.at(10)))
            _ = engine.sweep(now: TestClock.at(10))
        }
    }

    // MARK: - Housekeeping

    @Test("sweep drops sources whose windows are empty, and keeps the others")
    func sweepDropsIdle() {
        var engine = GuardEngine.make()
        _ = engine.hit(.malformedMessage, from: "198.51.100.1", at: TestClock.at(0))
        _ = engine.hit(.authFailure, from: "198.51.100.2", at: TestClock.at(0))
        #expect(engine.sweep(now: TestClock.at(59)).isEmpty)
        #expect(engine.trackedSources == 2)
        // sip-malformed's window is a minute, sip-auth's ten.
        #expect(engine.sweep(now: TestClock.at(60)).isEmpty)
        #expect(engine.trackedSources == 1)
        _ = engine.sweep(now: TestClock.at(600))
        #expect(engine.trackedSources == 0)
        #expect(engine.topSources(limit: 10, now: TestClock.at(600)).isEmpty)
    }

    @Test("sweep forgets ended bans: the source is counted again")
    func sweepForgetsEndedBans() {
        var engine = GuardEngine.make()
        engine.noteBan(network(Self.source), expiry: TestClock.at(60))
        _ = engine.sweep(now: TestClock.at(59))
        #expect(engine.hit(.scannerDetected, at: TestClock.at(59)).ignored == .alreadyBanned)
        _ = engine.sweep(now: TestClock.at(60))
        #expect(engine.hit(.scannerDetected, at: TestClock.at(60)).bans.count == 1)
    }

    @Test("topSources: the sources closest to a ban first")
    func topSources() {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, from: "198.51.100.1", count: 2)
        _ = engine.hits(.authFailure, from: "198.51.100.2", count: 4, startingAt: 2)
        _ = engine.hits(.webProbe, from: "198.51.100.3", count: 3, startingAt: 6)
        let top = engine.topSources(limit: 2, now: TestClock.at(10))
        #expect(top.map(\.network) == [network("198.51.100.2"), network("198.51.100.3")])
        #expect(top.map(\.jail) == ["sip-auth", "web-probe"])
        #expect(top.map(\.score) == [4, 3])
        #expect(top.first?.lastSeen == TestClock.at(5))
    }

    // MARK: - The explanation

    @Test("The reason names the counts, the threshold and the window")
    func reasonText() throws {
        var engine = GuardEngine.make()
        _ = engine.hits(.authFailure, count: 3)
        _ = engine.hits(.unknownUser, count: 1, startingAt: 3)
        let ban = try #require(engine.hit(.unknownUser, at: TestClock.at(4)).bans.first)
        #expect(ban.reason == "5 of 5 within 10m (auth_failure ×3, unknown_user ×2)")

        let malformed = try #require(engine.hits(.malformedMessage, from: "198.51.100.1", count: 10).allBans.first)
        #expect(malformed.reason == "10 of 10 within 1m (malformed_message ×10)")
        let scanner = try #require(engine.hit(.scannerDetected, from: "198.51.100.2", at: TestClock.start).bans.first)
        #expect(scanner.reason == "1 of 1 (scanner_detected ×1)")
    }

    @Test("Evidence is bounded by evidencePerSource, oldest first, and holds only the jail's events")
    func evidenceBoundedAndFiltered() throws {
        for limit in [3, 5, 10] {
            var engine = GuardEngine.make { $0.evidencePerSource = limit }
            _ = engine.hits(.malformedMessage, count: 9)
            var failures: [SecurityEvent] = []
            var ban: BanOrder?
            for second in Int64(9)..<Int64(14) {
                let event = Events.make(.authFailure, at: TestClock.at(second), callID: "call-\(second)")
                failures.append(event)
                ban = engine.record(event, now: TestClock.at(second)).bans.first ?? ban
            }
            let order = try #require(ban)
            #expect(order.evidence.map(\.event) == Array(failures.suffix(limit)), "limit \(limit)")
            #expect(order.evidence.allSatisfy { $0.weight == 1 })
        }
    }

    @Test("Evidence keeps the event as received")
    func evidenceKeepsEvent() throws {
        var engine = GuardEngine.make()
        let event = Events.make(.scannerDetected, at: TestClock.start, reason: "friendly-scanner user agent", port: 5070, transport: "tcp")
        let ban = try #require(engine.record(event, now: TestClock.start).bans.first)
        #expect(ban.evidence == [Evidence(event: event, weight: 1)])
        #expect(ban.evidence.first?.event.source.description == "tcp:203.0.113.5:5070")
        // A jail that bans on one event names it.
        #expect(ban.reason == "1 of 1 (scanner_detected ×1): friendly-scanner user agent")
    }
}

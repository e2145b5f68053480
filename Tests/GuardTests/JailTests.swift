import Foundation
import Guard
import SecurityEvents
import Testing

/// The default jails against the product description's table, sliding-window boundaries,
/// escalation of repeat offenders and observe mode.
@Suite("Jails")
struct JailTests {
    static let source = "198.51.100.20"

    // MARK: - The table "Default jails"

    @Test("The default jails are the product description's, in its order")
    func defaultJailNames() {
        #expect(Jail.defaults.map(\.name) == [
            "sip-auth", "sip-unidentified", "sip-scanner", "sip-flood", "sip-malformed", "console-login", "api-auth", "web-probe",
        ])
        #expect(GuardConfiguration().jails == Jail.defaults)
        #expect(Jail.defaults.allSatisfy { $0.enabled && $0.mode == .enforce })
        #expect(GuardConfiguration().jail(named: "sip-auth") == Jail.sipAuth)
        #expect(GuardConfiguration().jail(named: "no-such-jail") == nil)
    }

    @Test("The default jails' figures: threshold, window, ban", arguments: DefaultJailFigures.all)
    func defaultFigures(_ figures: DefaultJailFigures) throws {
        let jail = try #require(GuardConfiguration().jail(named: figures.jail))
        let weight = try #require(jail.weights[figures.kind])
        #expect(weight * figures.events == jail.threshold)
        #expect(jail.window == figures.window)
        #expect(jail.ban == figures.ban)
        #expect(jail.banDuration(offense: 1) == figures.ban)
    }

    @Test("sip-flood: 30 requests within 2 s, reported by the gate as one event weighing the threshold")
    func floodFigures() {
        #expect(Jail.sipFlood.threshold == 30)
        #expect(Jail.sipFlood.window == 2)
        #expect(Jail.sipFlood.weights == [.requestFlood: 30])
        #expect(IngressFilter.Settings().floodThreshold == 30)
        #expect(IngressFilter.Settings().floodWindow == 2)
    }

    @Test("sip-auth counts every kind of wrong credentials; each kind is counted by exactly one default jail")
    func kindsPerJail() {
        #expect(Set(Jail.sipAuth.weights.keys) == [.authFailure, .unknownUser, .nonceReplay, .sourceRefused])
        #expect(Jail.sipAuth.weights.values.allSatisfy { $0 == 1 })
        for kind in SecurityEvent.Kind.allCases {
            let counting = Jail.defaults.filter { ($0.weights[kind] ?? 0) > 0 }
            switch kind {
            case .authSuccess, .deviceLocked, .staleNonce: #expect(counting.isEmpty, "\(kind)")
            default: #expect(counting.count == 1, "\(kind)")
            }
        }
    }

    @Test("Each default jail lets threshold − 1 events pass and bans at the threshold", arguments: DefaultJailFigures.all)
    func bansAtThreshold(_ figures: DefaultJailFigures) throws {
        var engine = GuardEngine.make()
        for second in 0..<Int64(figures.events - 1) {
            let decision = engine.hit(figures.kind, from: Self.source, at: TestClock.at(second))
            #expect(decision.isEmpty)
            #expect(decision.ignored == nil)
        }
        let now = TestClock.at(Int64(figures.events - 1))
        let decision = engine.hit(figures.kind, from: Self.source, at: now)
        #expect(decision.bans.count == 1)
        #expect(decision.observed.isEmpty)
        let ban = try #require(decision.bans.first)
        #expect(ban.jail == figures.jail)
        #expect(ban.network == network(Self.source))
        #expect(ban.start == now)
        #expect(ban.expiry == figures.banOnUDP.map { now.addingTimeInterval(TimeInterval($0)) })
        #expect(ban.offense == 1)
        #expect(engine.statistics[figures.jail]?.figures == [figures.events, 1, 0])
    }

    // MARK: - Window boundaries

    static let windowed = DefaultJailFigures.all.filter { $0.window != nil && $0.events > 1 }

    @Test("An event exactly `window` old no longer counts", arguments: windowed)
    func exactlyWindowOld(_ figures: DefaultJailFigures) throws {
        let window = Int64(try #require(figures.window))
        var engine = GuardEngine.make()
        // The first at 0, the next threshold − 2 one a second from 1 s on.
        _ = engine.hit(figures.kind, from: Self.source, at: TestClock.at(0))
        for second in 1...Int64(figures.events - 2) {
            #expect(engine.hit(figures.kind, from: Self.source, at: TestClock.at(second)).isEmpty)
        }
        // The threshold-th, exactly a window after the first: the first has left.
        #expect(engine.hit(figures.kind, from: Self.source, at: TestClock.at(window)).isEmpty)
        // One more at the same time makes threshold within the window again.
        let decision = engine.hit(figures.kind, from: Self.source, at: TestClock.at(window))
        #expect(decision.bans.count == 1)
        #expect(decision.bans.first?.jail == figures.jail)
    }

    @Test("An event one millisecond younger than `window` still counts", arguments: windowed)
    func justInsideWindow(_ figures: DefaultJailFigures) throws {
        let window = Int64(try #require(figures.window))
        var engine = GuardEngine.make()
        _ = engine.hit(figures.kind, from: Self.source, at: TestClock.at(0))
        for second in 1...Int64(figures.events - 2) {
            #expect(engine.hit(figures.kind, from: Self.source, at: TestClock.at(second)).isEmpty)
        }
        let decision = engine.hit(figures.kind, from: Self.source, at: TestClock.at(window, milliseconds: -1))
        #expect(decision.bans.count == 1)
        #expect(decision.bans.first?.jail == figures.jail)
    }

    @Test("Events spread thinner than the threshold per window never ban")
    func slowDripNeverBans() {
        var engine = GuardEngine.make()
        // sip-auth: 4 per 10 minutes, for a day.
        for minute in stride(from: Int64(0), to: 1_440, by: 3) {
            let decision = engine.hit(.authFailure, from: Self.source, at: TestClock.at(minute * 60 + 1))
            #expect(decision.bans.isEmpty)
        }
        #expect(engine.statistics["sip-auth"]?.bansIssued == 0)
    }

    @Test("A jail without a window (sip-scanner) counts forever while the source is tracked")
    func noWindowCountsForever() {
        var engine = GuardEngine.make {
            $0.jails = [Jail(name: "slow-scanner", weights: [.scannerDetected: 1], threshold: 2, window: nil, ban: nil)]
        }
        #expect(engine.hit(.scannerDetected, from: Self.source, at: TestClock.at(0)).isEmpty)
        _ = engine.sweep(now: TestClock.at(30 * 86_400))
        let decision = engine.hit(.scannerDetected, from: Self.source, at: TestClock.at(30 * 86_400))
        #expect(decision.bans.count == 1)
        #expect(decision.bans.first?.expiry == nil)
        #expect(decision.bans.first?.reason.contains("within") == false)
    }

    // MARK: - Escalation

    @Test("sip-auth: 10 minutes, then doubling, permanent beyond a week")
    func sipAuthBanDurations() {
        let jail = Jail.sipAuth
        #expect(jail.escalation == 2)
        #expect(jail.maxBan == 604_800)
        #expect(jail.banDuration(offense: 0) == 600)
        #expect(jail.banDuration(offense: 1) == 600)
        #expect(jail.banDuration(offense: 2) == 1_200)
        #expect(jail.banDuration(offense: 3) == 2_400)
        #expect(jail.banDuration(offense: 10) == 600 << 9)
        // 600 · 2¹⁰ = 614 400 s > one week.
        #expect(jail.banDuration(offense: 11) == nil)
        #expect(jail.banDuration(offense: 1_000) == nil)
    }

    @Test("Ban durations: no escalation, permanent jails, overflow without a maximum")
    func banDurationEdges() {
        let flat = Jail(name: "flat", weights: [.webProbe: 1], threshold: 1, window: 60, ban: 90)
        #expect(flat.banDuration(offense: 7) == 90)
        let permanent = Jail(name: "permanent", weights: [.webProbe: 1], threshold: 1, window: 60, ban: nil, escalation: 2)
        #expect(permanent.banDuration(offense: 1) == nil)
        #expect(permanent.banDuration(offense: 5) == nil)
        let unbounded = Jail(name: "unbounded", weights: [.webProbe: 1], threshold: 1, window: 60, ban: 600, escalation: 10)
        #expect(unbounded.banDuration(offense: 3) == 60_000)
        // Escalation past a century (or past what fits in an Int) is permanent, never a trap.
        #expect(unbounded.banDuration(offense: 7) == 600_000_000)
        #expect(unbounded.banDuration(offense: 8) == nil)
        #expect(unbounded.banDuration(offense: 100) == nil)
        let capped = Jail(name: "capped", weights: [.webProbe: 1], threshold: 1, window: 60, ban: 1_000, maxBan: 500)
        #expect(capped.banDuration(offense: 1) == nil)
    }

    @Test("A second ban of the same source doubles; the reason says which offense")
    func secondBanDoubles() throws {
        var engine = GuardEngine.make()
        let first = try #require(engine.hits(.authFailure, from: Self.source, count: 5).allBans.first)
        #expect(first.offense == 1)
        #expect(first.expiry == TestClock.at(4 + 600))
        #expect(!first.reason.contains("offense"))
        // During the ban: not counted.
        #expect(engine.hit(.authFailure, from: Self.source, at: TestClock.at(300)).ignored == .alreadyBanned)
        // From the end of the ban on, counted afresh.
        let second = try #require(engine.hits(.authFailure, from: Self.source, count: 5, startingAt: 604).allBans.first)
        #expect(second.offense == 2)
        #expect(second.expiry == TestClock.at(608 + 1_200))
        #expect(second.reason.contains("offense 2"))
        let third = try #require(engine.hits(.authFailure, from: Self.source, count: 5, startingAt: 1_808).allBans.first)
        #expect(third.offense == 3)
        #expect(third.expiry == TestClock.at(1_812 + 2_400))
    }

    @Test("Escalation past `maxBan` turns the ban permanent")
    func escalationBecomesPermanent() throws {
        var engine = GuardEngine.make()
        let offender = network(Self.source)
        engine.restoreOffenses([offender: 9])
        let tenth = try #require(engine.hits(.authFailure, from: Self.source, count: 5).allBans.first)
        #expect(tenth.offense == 10)
        #expect(tenth.expiry == TestClock.at(4 + 307_200))
        engine.noteLift(offender)
        let eleventh = try #require(engine.hits(.authFailure, from: Self.source, count: 5, startingAt: 10).allBans.first)
        #expect(eleventh.offense == 11)
        #expect(eleventh.expiry == nil)
        #expect(eleventh.reason.contains("offense 11"))
    }

    @Test("Offenses restored at start survive a restart: a new engine escalates where the old one stopped")
    func offensesSurviveRestart() throws {
        var before = GuardEngine.make()
        let offender = network(Self.source)
        var offenses: [GuardNetwork: Int] = [:]
        for round in 0..<2 {
            let ban = try #require(before.hits(.authFailure, from: Self.source, count: 5, startingAt: Int64(round) * 10_000).allBans.first)
            offenses[ban.network] = ban.offense
        }
        #expect(offenses == [offender: 2])

        var after = GuardEngine.make()
        after.restoreOffenses(offenses)
        let ban = try #require(after.hits(.authFailure, from: Self.source, count: 5, startingAt: 100_000).allBans.first)
        #expect(ban.offense == 3)
        #expect(ban.expiry == TestClock.at(100_004 + 2_400))
        // Another source starts at the first offense.
        let other = try #require(after.hits(.authFailure, from: "198.51.100.21", count: 5, startingAt: 100_000).allBans.first)
        #expect(other.offense == 1)
    }

    @Test("A ban the executor reports with its offense counts toward escalation; one without does not")
    func noteBanOffense() throws {
        var engine = GuardEngine.make()
        let offender = network(Self.source)
        engine.noteBan(offender, expiry: TestClock.at(-10), offense: 4)
        let ban = try #require(engine.hits(.authFailure, from: Self.source, count: 5).allBans.first)
        #expect(ban.offense == 5)

        var other = GuardEngine.make()
        other.noteBan(offender, expiry: TestClock.at(-10))
        #expect(try #require(other.hits(.authFailure, from: Self.source, count: 5).allBans.first).offense == 1)
    }

    @Test("sip-flood: one report bans for 5 minutes, a repeat for 10")
    func floodEscalates() throws {
        var engine = GuardEngine.make()
        let first = try #require(engine.hit(.requestFlood, from: Self.source, at: TestClock.at(0)).bans.first)
        #expect(first.expiry == TestClock.at(300))
        #expect(first.reason.contains("30 of 30 within 2s"))
        // Reports the gate raised while the ban was being put in place are ignored.
        #expect(engine.hit(.requestFlood, from: Self.source, at: TestClock.at(2)).ignored == .alreadyBanned)
        let second = try #require(engine.hit(.requestFlood, from: Self.source, at: TestClock.at(300)).bans.first)
        #expect(second.expiry == TestClock.at(900))
        #expect(second.offense == 2)
    }

    // MARK: - Observe mode

    static func observing(_ name: String) -> GuardEngine {
        GuardEngine.make { configuration in
            for index in configuration.jails.indices where configuration.jails[index].name == name {
                configuration.jails[index].mode = .observe
            }
        }
    }

    @Test("Observe mode: the would-be ban is reported as observed, nothing is banned")
    func observeReportsWithoutBanning() throws {
        var engine = Self.observing("sip-auth")
        let decisions = engine.hits(.authFailure, from: Self.source, count: 5)
        #expect(decisions.allBans.isEmpty)
        let observed = try #require(decisions.last?.observed.first)
        #expect(decisions.last?.observed.count == 1)
        #expect(observed.jail == "sip-auth")
        #expect(observed.network == network(Self.source))
        #expect(observed.expiry == TestClock.at(4 + 600))
        #expect(engine.statistics["sip-auth"]?.figures == [5, 0, 1])
        // Not banned: the next event is counted.
        #expect(engine.hit(.authFailure, from: Self.source, at: TestClock.at(5)).ignored == nil)
    }

    @Test("Observe mode resets the counter: it does not fire again on every later event")
    func observeResetsCounter() {
        var engine = Self.observing("sip-auth")
        let decisions = engine.hits(.authFailure, from: Self.source, count: 14)
        let firing = decisions.indices.filter { !decisions[$0].observed.isEmpty }
        #expect(firing == [4, 9])
        #expect(engine.statistics["sip-auth"]?.wouldBan == 2)
        #expect(engine.statistics["sip-auth"]?.bansIssued == 0)
        // Observed bans are not offenses: the same offense number each time.
        #expect(decisions.allObserved.map(\.offense) == [1, 1])
    }

    @Test("Observe mode in one jail leaves the others enforcing")
    func observeIsPerJail() {
        var engine = Self.observing("sip-auth")
        #expect(engine.hits(.malformedMessage, from: Self.source, count: 10).allBans.map(\.jail) == ["sip-malformed"])
        #expect(engine.statistics["sip-malformed"]?.bansIssued == 1)
    }

    @Test("Two jails counting one kind: the observing one reports, the enforcing one bans")
    func observeAndEnforceSameKind() {
        var engine = GuardEngine.make {
            $0.jails = [
                Jail(name: "watch", weights: [.webProbe: 1], threshold: 3, window: 60, ban: 60, mode: .observe),
                Jail(name: "block", weights: [.webProbe: 1], threshold: 5, window: 60, ban: 60),
                Jail(name: "off", weights: [.webProbe: 1], threshold: 1, window: 60, ban: 60, enabled: false),
            ]
        }
        let decisions = engine.hits(.webProbe, from: Self.source, count: 5)
        #expect(decisions.allObserved.map(\.jail) == ["watch"])
        #expect(decisions[2].observed.count == 1)
        #expect(decisions.allBans.map(\.jail) == ["block"])
        #expect(decisions[4].bans.count == 1)
        #expect(engine.statistics["off"]?.figures == [0, 0, 0])
    }
}

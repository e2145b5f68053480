import Guard
import Testing

/// The gate every packet passes: trusted networks, bans (dropped or answered 403 at most once
/// a second), countries, and the flood meter, with monotonic nanoseconds passed in.
@Suite("Ingress filter")
struct IngressFilterTests {
    static func key(_ text: String) -> AddressKey {
        guard let key = AddressKey(text) else { fatalError("bad address text in a test: \(text)") }
        return key
    }

    static func filter(_ edit: (inout IngressFilter.Settings) -> Void = { _ in }) -> IngressFilter {
        var settings = IngressFilter.Settings()
        edit(&settings)
        return IngressFilter(settings: settings)
    }

    /// Sends `count` packets from `source`, `spacing` apart from `start`; returns the verdicts.
    static func send(
        _ filter: IngressFilter, from source: AddressKey, count: Int, start: UInt64, spacing: UInt64 = 10 * Mono.millisecond,
        transport: String = "udp"
    ) -> [IngressFilter.Verdict] {
        (0..<UInt64(count)).map { filter.check(source, transport: transport, now: start + $0 * spacing) }
    }

    static let attacker = key("203.0.113.5")

    // MARK: - Settings

    @Test("The default settings: drop banned sources, 30 requests in 2 s, enforced")
    func defaults() {
        let settings = IngressFilter.Settings()
        #expect(settings.banResponse == .drop)
        #expect(settings.floodThreshold == 30)
        #expect(settings.floodWindow == 2)
        #expect(settings.floodEnforced)
        #expect(settings.headroomFactor == 3)
        #expect(settings.ipv6PrefixLength == 64)
        #expect(IngressFilter.BanResponse(rawValue: "403") == .forbidden)
    }

    // MARK: - Trusted and banned

    @Test("A clean source is admitted")
    func cleanAdmitted() {
        let filter = Self.filter()
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(0)) == .admit)
        #expect(filter.admitsConnection(from: Self.attacker))
        #expect(!filter.isBanned(Self.attacker))
    }

    @Test("A banned source is dropped; its network's other addresses too; lifting admits again")
    func bannedDropped() {
        let filter = Self.filter()
        filter.ban(network("203.0.113.0/24"))
        filter.ban(network("2001:db8:1:2::/64"))
        #expect(filter.banCount == 2)
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(0)) == .drop)
        #expect(filter.check(Self.key("203.0.113.200"), transport: "tcp", now: Mono.windowStart(0)) == .drop)
        #expect(filter.check(Self.key("::ffff:203.0.113.9"), transport: "udp", now: Mono.windowStart(0)) == .drop)
        #expect(filter.check(Self.key("2001:db8:1:2::99"), transport: "udp", now: Mono.windowStart(0)) == .drop)
        #expect(filter.check(Self.key("203.0.114.1"), transport: "udp", now: Mono.windowStart(0)) == .admit)
        #expect(filter.check(Self.key("2001:db8:1:3::99"), transport: "udp", now: Mono.windowStart(0)) == .admit)
        #expect(filter.statistics.droppedBanned == 4)
        #expect(filter.isBanned(Self.key("203.0.113.77")))

        filter.lift(network("203.0.113.0/24"))
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(1)) == .admit)
        #expect(filter.banCount == 1)
        // Banning twice is one ban.
        filter.ban(network("2001:db8:1:2::/64"))
        #expect(filter.banCount == 1)
    }

    @Test("A banned source's packets do not reach the flood meter")
    func bannedNotMetered() {
        let filter = Self.filter()
        filter.ban(network("203.0.113.5"))
        #expect(Self.send(filter, from: Self.attacker, count: 100, start: Mono.windowStart(0)).allSatisfy { $0 == .drop })
        #expect(filter.drainFloodReports().isEmpty)
        #expect(filter.statistics.droppedFlood == 0)
        #expect(filter.statistics.droppedBanned == 100)
    }

    @Test("Trusted networks are admitted whatever the bans, countries and flood")
    func trustedAdmitted() {
        let filter = Self.filter()
        filter.setTrusted([network("203.0.113.0/24")])
        filter.ban(network("203.0.113.5"))
        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["DE"], exceptions: [], admitUnknown: false, lookup: FakeCountryLookup([:])))
        #expect(Self.send(filter, from: Self.attacker, count: 200, start: Mono.windowStart(0)).allSatisfy { $0 == .admit })
        #expect(filter.admitsConnection(from: Self.attacker))
        #expect(filter.drainFloodReports().isEmpty)
        // setTrusted replaces.
        filter.setTrusted([network("198.51.100.0/24")])
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(1)) == .drop)
    }

    @Test("banResponse 403: .refuse at most once a second per banned source, .drop in between")
    func forbiddenOncePerSecond() {
        let filter = Self.filter { $0.banResponse = .forbidden }
        filter.ban(network("203.0.113.5"))
        filter.ban(network("198.51.100.9"))
        let start = Mono.windowStart(0)
        #expect(filter.check(Self.attacker, transport: "udp", now: start) == .refuse)
        #expect(filter.check(Self.attacker, transport: "udp", now: start + 500 * Mono.millisecond) == .drop)
        // Another banned source has its own second.
        #expect(filter.check(Self.key("198.51.100.9"), transport: "udp", now: start + 500 * Mono.millisecond) == .refuse)
        #expect(filter.check(Self.attacker, transport: "udp", now: start + Mono.second - 1) == .drop)
        #expect(filter.check(Self.attacker, transport: "udp", now: start + Mono.second) == .refuse)
        #expect(filter.check(Self.attacker, transport: "udp", now: start + Mono.second + 1) == .drop)
        #expect(filter.check(Self.attacker, transport: "udp", now: start + 5 * Mono.second) == .refuse)
        #expect(filter.statistics.refusedBanned == 4)
        #expect(filter.statistics.droppedBanned == 3)
        // Banning again does not reset the second.
        filter.ban(network("203.0.113.5"))
        #expect(filter.check(Self.attacker, transport: "udp", now: start + 5 * Mono.second + 1) == .drop)
    }

    @Test("replaceBans replaces every ban")
    func replaceBans() {
        let filter = Self.filter()
        filter.ban(network("203.0.113.5"))
        filter.replaceBans([network("198.51.100.0/24"), network("2001:db8::/64"), network("198.51.100.0/24")])
        #expect(filter.banCount == 2)
        #expect(!filter.isBanned(Self.attacker))
        #expect(filter.isBanned(Self.key("198.51.100.1")))
        #expect(filter.isBanned(Self.key("2001:db8::abc")))
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(0)) == .admit)
        filter.replaceBans([])
        #expect(filter.banCount == 0)
        #expect(!filter.isBanned(Self.key("198.51.100.1")))
    }

    @Test("admitsConnection: refused from banned sources, counted")
    func connections() {
        let filter = Self.filter()
        filter.ban(network("203.0.113.0/24"))
        #expect(!filter.admitsConnection(from: Self.attacker))
        #expect(!filter.admitsConnection(from: Self.key("203.0.113.1")))
        #expect(filter.admitsConnection(from: Self.key("198.51.100.1")))
        #expect(filter.statistics.connectionsRefused == 2)
        filter.lift(network("203.0.113.0/24"))
        #expect(filter.admitsConnection(from: Self.attacker))
    }

    // MARK: - Flood

    @Test("30 requests in 2 s are admitted; the 31st trips exactly once and is reported once")
    func floodTripsOnce() throws {
        let filter = Self.filter()
        let start = Mono.windowStart(0)
        #expect(Self.send(filter, from: Self.attacker, count: 30, start: start).allSatisfy { $0 == .admit })
        #expect(filter.drainFloodReports().isEmpty)
        #expect(filter.check(Self.attacker, transport: "tcp", now: start + 300 * Mono.millisecond) == .drop)
        // Later packets in the window are dropped and not reported again.
        #expect(Self.send(filter, from: Self.attacker, count: 9, start: start + 310 * Mono.millisecond).allSatisfy { $0 == .drop })
        let reports = filter.drainFloodReports()
        #expect(reports.count == 1)
        let report = try #require(reports.first)
        #expect(report.source == Self.attacker)
        #expect(report.estimate == 31)
        #expect(report.transport == "tcp")
        #expect(filter.drainFloodReports().isEmpty)
        #expect(filter.statistics.droppedFlood == 10)
        // Other sources are not affected.
        #expect(filter.check(Self.key("203.0.113.6"), transport: "udp", now: start + 500 * Mono.millisecond) == .admit)
    }

    @Test("A flood straddling two fixed windows is caught by the sliding estimate")
    func floodAcrossWindows() {
        let filter = Self.filter()
        // 30 in the second half of one window…
        let late = Mono.windowStart(0) + Mono.second
        #expect(Self.send(filter, from: Self.attacker, count: 30, start: late, spacing: 30 * Mono.millisecond).allSatisfy { $0 == .admit })
        // …and one just after the next begins: 31 within 2 s.
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(1) + 10 * Mono.millisecond) == .drop)
        #expect(filter.drainFloodReports().count == 1)
    }

    @Test("A steady rate under the limit is never reported")
    func steadyRateAdmitted() {
        let filter = Self.filter()
        // 10 a second (20 per window) for 20 seconds.
        let verdicts = Self.send(filter, from: Self.attacker, count: 200, start: Mono.windowStart(0) + 7 * Mono.millisecond, spacing: 100 * Mono.millisecond)
        #expect(verdicts.allSatisfy { $0 == .admit })
        #expect(filter.drainFloodReports().isEmpty)
    }

    @Test("A source over the limit is admitted again once its rate drops")
    func floodEnds() {
        let filter = Self.filter()
        _ = Self.send(filter, from: Self.attacker, count: 40, start: Mono.windowStart(0))
        #expect(filter.drainFloodReports().count == 1)
        // Two windows of silence: the estimate has no past left.
        #expect(filter.check(Self.attacker, transport: "udp", now: Mono.windowStart(2)) == .admit)
    }

    @Test("Observe mode (floodEnforced = false): reported once, never dropped")
    func floodObserved() {
        let filter = Self.filter { $0.floodEnforced = false }
        let start = Mono.windowStart(0)
        #expect(Self.send(filter, from: Self.attacker, count: 60, start: start).allSatisfy { $0 == .admit })
        let reports = filter.drainFloodReports()
        #expect(reports.count == 1)
        #expect(reports.first?.estimate == 31)
        #expect(filter.statistics.droppedFlood == 0)
    }

    @Test("Headroom multiplies the flood limit")
    func floodHeadroom() {
        let filter = Self.filter()
        filter.setHeadroom([Self.attacker])
        let start = Mono.windowStart(0)
        #expect(Self.send(filter, from: Self.attacker, count: 90, start: start, spacing: Mono.millisecond).allSatisfy { $0 == .admit })
        #expect(filter.check(Self.attacker, transport: "udp", now: start + 100 * Mono.millisecond) == .drop)
        #expect(filter.drainFloodReports().first?.estimate == 91)
        // Replaced: no headroom any more.
        filter.setHeadroom([])
        let next = Mono.windowStart(5)
        #expect(Self.send(filter, from: Self.attacker, count: 30, start: next).allSatisfy { $0 == .admit })
        #expect(filter.check(Self.attacker, transport: "udp", now: next + 500 * Mono.millisecond) == .drop)
    }

    @Test("IPv6 headroom is given by the metered prefix: it covers every address of the /64, an address alone does not")
    func floodHeadroomIPv6() {
        let filter = Self.filter()
        // The executor gives each IPv6 source as itself and as its /64.
        filter.setHeadroom([Self.key("2001:db8:1:2::5"), Self.key("2001:db8:1:2::")])
        let verdicts = Self.send(filter, from: Self.key("2001:db8:1:2::77"), count: 90, start: Mono.windowStart(0), spacing: Mono.millisecond)
        #expect(verdicts.allSatisfy { $0 == .admit })
        #expect(filter.drainFloodReports().isEmpty)
        filter.setHeadroom([Self.key("2001:db8:1:3::5")])
        let alone = Self.send(filter, from: Self.key("2001:db8:1:3::5"), count: 31, start: Mono.windowStart(1), spacing: Mono.millisecond)
        #expect(alone.last == .drop)
    }

    @Test("IPv6 sources are metered by their /64")
    func floodIPv6Prefix() throws {
        let filter = Self.filter()
        let start = Mono.windowStart(0)
        #expect(Self.send(filter, from: Self.key("2001:db8:1:2::1"), count: 15, start: start).allSatisfy { $0 == .admit })
        #expect(Self.send(filter, from: Self.key("2001:db8:1:2::2"), count: 15, start: start + 150 * Mono.millisecond).allSatisfy { $0 == .admit })
        #expect(filter.check(Self.key("2001:db8:1:2:ffff::3"), transport: "udp", now: start + 400 * Mono.millisecond) == .drop)
        #expect(filter.check(Self.key("2001:db8:1:3::1"), transport: "udp", now: start + 400 * Mono.millisecond) == .admit)
        let report = try #require(filter.drainFloodReports().first)
        #expect(report.source == Self.key("2001:db8:1:2::"))
        #expect(GuardNetwork(offender: report.source, ipv6PrefixLength: 64) == network("2001:db8:1:2::/64"))
    }

    @Test("The meter tracks at most meterCapacity sources a window; the rest go uncounted")
    func meterCapacity() {
        let filter = Self.filter { $0.meterCapacity = 2 }
        let start = Mono.windowStart(0)
        _ = filter.check(Self.key("198.51.100.1"), transport: "udp", now: start)
        _ = filter.check(Self.key("198.51.100.2"), transport: "udp", now: start)
        let late = Self.key("198.51.100.3")
        #expect(Self.send(filter, from: late, count: 100, start: start, spacing: Mono.millisecond).allSatisfy { $0 == .admit })
        #expect(filter.drainFloodReports().isEmpty)
        #expect(filter.statistics.floodUncounted == 100)
        // The two tracked ones are still counted.
        #expect(Self.send(filter, from: Self.key("198.51.100.1"), count: 30, start: start + 200 * Mono.millisecond).contains(.drop))
        // In the next window the late source is counted from its first packet.
        #expect(Self.send(filter, from: late, count: 31, start: Mono.windowStart(1)).last == .drop)
    }

    @Test("A flood threshold of 0 turns the meter off")
    func meterOff() {
        let filter = Self.filter { $0.floodThreshold = 0 }
        #expect(Self.send(filter, from: Self.attacker, count: 1_000, start: Mono.windowStart(0), spacing: Mono.millisecond).allSatisfy { $0 == .admit })
        #expect(filter.drainFloodReports().isEmpty)
    }

    @Test("updateSettings takes effect for the next packet")
    func updateSettings() {
        let filter = Self.filter()
        var settings = IngressFilter.Settings()
        settings.floodThreshold = 5
        filter.updateSettings(settings)
        let start = Mono.windowStart(0)
        #expect(Self.send(filter, from: Self.attacker, count: 6, start: start) == [.admit, .admit, .admit, .admit, .admit, .drop])
        settings.floodWindow = 10
        settings.banResponse = .forbidden
        filter.updateSettings(settings)
        // A new window length starts a fresh meter.
        let later = Mono.windowStart(0, windowSeconds: 10) + Mono.second
        #expect(Self.send(filter, from: Self.attacker, count: 6, start: later, spacing: Mono.second) == [.admit, .admit, .admit, .admit, .admit, .drop])
        filter.ban(network("203.0.113.5"))
        #expect(filter.check(Self.attacker, transport: "udp", now: later + 10 * Mono.second) == .refuse)
    }

    // MARK: - Countries

    static let lookupTable = ["192.0.2.1": "DE", "198.51.100.1": "FR", "2001:db8::1": "US"]
    static let unknown = key("203.0.113.99")

    @Test("Allow mode: the listed countries only; unknown addresses as admitUnknown says")
    func allowCountries() {
        let filter = Self.filter()
        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["de"], exceptions: [], lookup: FakeCountryLookup(Self.lookupTable)))
        let now = Mono.windowStart(0)
        #expect(filter.check(Self.key("192.0.2.1"), transport: "udp", now: now) == .admit)
        #expect(filter.check(Self.key("198.51.100.1"), transport: "udp", now: now) == .drop)
        #expect(filter.check(Self.key("2001:db8::1"), transport: "udp", now: now) == .drop)
        #expect(filter.check(Self.unknown, transport: "udp", now: now) == .admit)
        #expect(filter.statistics.droppedCountry == 2)

        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["DE"], exceptions: [], admitUnknown: false, lookup: FakeCountryLookup(Self.lookupTable)))
        #expect(filter.check(Self.unknown, transport: "udp", now: now) == .drop)
        #expect(filter.check(Self.key("192.0.2.1"), transport: "udp", now: now) == .admit)
        filter.setCountryPolicy(nil)
        #expect(filter.check(Self.unknown, transport: "udp", now: now) == .admit)
        #expect(filter.check(Self.key("198.51.100.1"), transport: "udp", now: now) == .admit)
    }

    @Test("Deny mode: all but the listed countries")
    func denyCountries() {
        let filter = Self.filter()
        filter.setCountryPolicy(CountryPolicy(mode: .deny, countries: ["FR", "us"], exceptions: [], lookup: FakeCountryLookup(Self.lookupTable)))
        let now = Mono.windowStart(0)
        #expect(filter.check(Self.key("192.0.2.1"), transport: "udp", now: now) == .admit)
        #expect(filter.check(Self.key("198.51.100.1"), transport: "udp", now: now) == .drop)
        #expect(filter.check(Self.key("2001:db8::1"), transport: "udp", now: now) == .drop)
        #expect(filter.check(Self.unknown, transport: "udp", now: now) == .admit)
    }

    @Test("Exceptions are admitted whatever their country")
    func countryExceptions() {
        let policy = CountryPolicy(
            mode: .allow, countries: ["DE"], exceptions: [network("198.51.100.0/24"), network("2001:db8::/64")], admitUnknown: false,
            lookup: FakeCountryLookup(Self.lookupTable))
        #expect(policy.verdict(for: Self.key("198.51.100.1")) == .admit)
        #expect(policy.verdict(for: Self.key("2001:db8::1")) == .admit)
        #expect(policy.verdict(for: Self.unknown) == .refuse(country: nil))
        #expect(policy.verdict(for: Self.key("192.0.2.1")) == .admit)
        let filter = Self.filter()
        filter.setCountryPolicy(policy)
        #expect(filter.check(Self.key("198.51.100.1"), transport: "udp", now: Mono.windowStart(0)) == .admit)
        #expect(filter.check(Self.unknown, transport: "udp", now: Mono.windowStart(0)) == .drop)
    }

    @Test("CountryPolicy's verdict names the refused country")
    func verdicts() {
        let lookup = FakeCountryLookup(Self.lookupTable)
        let allow = CountryPolicy(mode: .allow, countries: ["de"], exceptions: [], lookup: lookup)
        #expect(allow.countries == ["DE"])
        #expect(allow.verdict(for: Self.key("198.51.100.1")) == .refuse(country: "FR"))
        #expect(allow.verdict(for: Self.key("192.0.2.1")) == .admit)
        #expect(allow.verdict(for: Self.unknown) == .admit)
        let deny = CountryPolicy(mode: .deny, countries: ["FR"], exceptions: [], admitUnknown: false, lookup: lookup)
        #expect(deny.verdict(for: Self.key("198.51.100.1")) == .refuse(country: "FR"))
        #expect(deny.verdict(for: Self.key("192.0.2.1")) == .admit)
        #expect(deny.verdict(for: Self.unknown) == .refuse(country: nil))
    }

    @Test("The country of an address is looked up once, until the policy changes")
    func countryCache() {
        let lookup = FakeCountryLookup(Self.lookupTable)
        let filter = Self.filter()
        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["DE"], exceptions: [], lookup: lookup))
        let start = Mono.windowStart(0)
        #expect(Self.send(filter, from: Self.key("198.51.100.1"), count: 5, start: start).allSatisfy { $0 == .drop })
        #expect(Self.send(filter, from: Self.key("192.0.2.1"), count: 5, start: start).allSatisfy { $0 == .admit })
        #expect(!filter.admitsConnection(from: Self.key("198.51.100.1")))
        #expect(lookup.lookupCount == 2)
        #expect(filter.statistics.droppedCountry == 5)
        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["DE"], exceptions: [], lookup: lookup))
        #expect(filter.check(Self.key("198.51.100.1"), transport: "udp", now: start) == .drop)
        #expect(lookup.lookupCount == 3)
    }

    @Test("An admitted country still meets the flood meter; a banned address is dropped before its country is looked up")
    func countryThenFloodAndBans() {
        let lookup = FakeCountryLookup(Self.lookupTable)
        let filter = Self.filter()
        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["DE"], exceptions: [], lookup: lookup))
        let verdicts = Self.send(filter, from: Self.key("192.0.2.1"), count: 31, start: Mono.windowStart(0))
        #expect(verdicts.dropLast().allSatisfy { $0 == .admit })
        #expect(verdicts.last == .drop)
        filter.ban(network("198.51.100.1"))
        #expect(filter.check(Self.key("198.51.100.1"), transport: "udp", now: Mono.windowStart(0)) == .drop)
        #expect(filter.statistics.droppedBanned == 1)
        #expect(lookup.lookupCount == 1)
    }

    @Test("Connections from a refused country are refused, and each refusal is counted")
    func countryConnections() {
        let filter = Self.filter()
        filter.setCountryPolicy(CountryPolicy(mode: .allow, countries: ["DE"], exceptions: [], lookup: FakeCountryLookup(Self.lookupTable)))
        #expect(filter.admitsConnection(from: Self.key("192.0.2.1")))
        #expect(filter.admitsConnection(from: Self.key("192.0.2.1")))
        #expect(!filter.admitsConnection(from: Self.key("198.51.100.1")))
        #expect(!filter.admitsConnection(from: Self.key("198.51.100.1")))
        #expect(filter.statistics.connectionsRefused == 2)
    }
}

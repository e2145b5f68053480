import Synchronization

/// The Guard at the server's door: consulted for every datagram, every message on a stream
/// and every new connection, before anything is parsed. It holds the active bans, the trusted
/// networks, the country policy and the flood meter, behind one lock taken once per packet;
/// every lookup is a hash probe per prefix length in use, so a flood from a banned source
/// costs a few hundred nanoseconds a packet.
///
/// Thread-safe: the event loops call `check` concurrently; the Guard's executor updates it.
public final class IngressFilter: Sendable {
    /// What to do with a packet or connection.
    public enum Verdict: Sendable, Equatable {
        case admit
        /// Drop without a word.
        case drop
        /// Answer 403 (a banned source, with `banResponse = .forbidden`, at most once per
        /// second): the caller parses just enough to answer.
        case refuse
    }

    /// How banned sources are treated.
    public enum BanResponse: String, Sendable, Equatable, CaseIterable {
        /// Nothing is sent back: the scanner learns nothing, not even that a server is there.
        case drop
        /// A 403, at most once per second per banned network (an address, an IPv6 /64, or a
        /// CIDR ban as a whole); everything else dropped.
        case forbidden = "403"
    }

    public struct Settings: Sendable {
        public var banResponse: BanResponse = .drop
        /// Requests per `floodWindow` seconds from one source before it is reported (the
        /// sip-flood jail's threshold); 0 turns the meter off.
        public var floodThreshold = 30
        public var floodWindow = 2
        /// When false (the jail observes), a source over the limit is reported, not dropped.
        public var floodEnforced = true
        public var headroomFactor = 3
        public var ipv6PrefixLength = 64
        public var meterCapacity = 100_000

        public init() {}
    }

    /// A source that crossed the flood limit, waiting for the Guard.
    public struct FloodReport: Sendable, Equatable {
        public var source: AddressKey
        public var estimate: Int
        public var transport: String
    }

    /// Counts since the start.
    public struct Statistics: Sendable, Equatable {
        public var droppedBanned = 0
        public var refusedBanned = 0
        public var droppedCountry = 0
        public var droppedFlood = 0
        public var connectionsRefused = 0
        public var floodUncounted = 0
    }

    struct State: Sendable {
        var settings: Settings
        var bans = NetworkMap<BanEntry>()
        var trusted = NetworkMap<Bool>()
        var headroom = Set<AddressKey>()
        /// Sources a flood report never drops (configured providers): a spoofed flood from a
        /// carrier's address must not cut its calls. They are still metered and reported.
        var protected = Set<AddressKey>()
        var meter: FloodMeter
        var reports: [FloodReport] = []
        var countries: CountryPolicy?
        var countryCache: [AddressKey: Bool] = [:]
        var statistics = Statistics()
    }

    struct BanEntry: Sendable {
        /// Monotonic nanoseconds of the last 403 sent.
        var lastAnswered: UInt64 = 0
    }

    static let countryCacheLimit = 100_000
    static let reportLimit = 10_000

    private let state: Mutex<State>

    public init(settings: Settings = Settings()) {
        state = Mutex(State(settings: settings, meter: FloodMeter(windowSeconds: settings.floodWindow, capacity: settings.meterCapacity)))
    }

    // MARK: - The packet path

    /// A datagram, or a message read from a stream, from `address` at monotonic `now`
    /// nanoseconds. One lock acquisition on every path but a country-cache miss.
    public func check(_ address: AddressKey, transport: String, now: UInt64) -> Verdict {
        enum Step { case done(Verdict), lookUpCountry }
        let step: Step = state.withLock { state in
            if state.trusted.contains(address) { return .done(.admit) }
            if let (network, entry) = state.bans.lookup(address) {
                if state.settings.banResponse == .forbidden, entry.lastAnswered == 0 || now &- entry.lastAnswered >= 1_000_000_000 {
                    state.bans[network] = BanEntry(lastAnswered: max(now, 1))
                    state.statistics.refusedBanned += 1
                    return .done(.refuse)
                }
                state.statistics.droppedBanned += 1
                return .done(.drop)
            }
            if state.countries != nil {
                switch state.countryCache[address] {
                case .none: return .lookUpCountry
                case .some(false):
                    state.statistics.droppedCountry += 1
                    return .done(.drop)
                case .some(true): break
                }
            }
            return .done(Self.meter(&state, address, transport: transport, now: now))
        }
        switch step {
        case .done(let verdict):
            return verdict
        case .lookUpCountry:
            guard countryAdmits(address) else { return .drop }
            return state.withLock { Self.meter(&$0, address, transport: transport, now: now) }
        }
    }

    /// A new TCP or TLS connection: refused from banned sources and refused countries.
    public func admitsConnection(from address: AddressKey) -> Bool {
        let verdict: Bool? = state.withLock { state in
            if state.trusted.contains(address) { return true }
            if state.bans.lookup(address) != nil {
                state.statistics.connectionsRefused += 1
                return false
            }
            guard state.countries != nil else { return true }
            let cached = state.countryCache[address]
            if cached == false { state.statistics.connectionsRefused += 1 }
            return cached
        }
        if let verdict { return verdict }
        let admitted = countryAdmits(address, countsPacket: false)
        if !admitted { state.withLock { $0.statistics.connectionsRefused += 1 } }
        return admitted
    }

    private func countryAdmits(_ address: AddressKey, countsPacket: Bool = true) -> Bool {
        guard let policy = state.withLock({ $0.countries }) else { return true }
        // The database is read outside the lock: a miss costs a tree walk.
        let admitted = policy.verdict(for: address) == .admit
        state.withLock { state in
            if state.countryCache.count >= Self.countryCacheLimit { state.countryCache.removeAll(keepingCapacity: true) }
            state.countryCache[address] = admitted
            if !admitted && countsPacket { state.statistics.droppedCountry += 1 }
        }
        return admitted
    }

    private static func meter(_ state: inout State, _ address: AddressKey, transport: String, now: UInt64) -> Verdict {
        let settings = state.settings
        guard settings.floodThreshold > 0 else { return .admit }
        let key = address.isIPv4 ? address : address.masked(to: settings.ipv6PrefixLength)
        let limit = settings.floodThreshold * (state.headroom.contains(key) ? max(1, settings.headroomFactor) : 1)
        switch state.meter.count(key, now: now, limit: limit) {
        case .under:
            return .admit
        case .tripped(let estimate):
            if state.reports.count < reportLimit {
                state.reports.append(FloodReport(source: key, estimate: estimate, transport: transport))
            }
            fallthrough
        case .over:
            guard settings.floodEnforced, !state.protected.contains(key) else { return .admit }
            state.statistics.droppedFlood += 1
            return .drop
        }
    }

    // MARK: - What the executor sets

    public func ban(_ network: GuardNetwork) {
        state.withLock { state in
            if state.bans[network] == nil { state.bans[network] = BanEntry() }
        }
    }

    public func lift(_ network: GuardNetwork) {
        state.withLock { $0.bans[network] = nil }
    }

    /// Replaces every ban (the set read from the database).
    public func replaceBans(_ networks: [GuardNetwork]) {
        var map = NetworkMap<BanEntry>()
        for network in networks { map[network] = BanEntry() }
        state.withLock { swap(&$0.bans, &map) }
    }

    public func setTrusted(_ networks: [GuardNetwork]) {
        var map = NetworkMap<Bool>()
        for network in networks { map[network] = true }
        state.withLock { swap(&$0.trusted, &map) }
    }

    /// Sources whose flood limit is multiplied by the headroom factor (live registrations,
    /// providers, recent authentications; each address, and for IPv6 its offender prefix too).
    public func setHeadroom(_ sources: Set<AddressKey>) {
        var sources = sources
        state.withLock { swap(&$0.headroom, &sources) }
    }

    /// Sources the flood meter reports but never drops (configured providers; each address,
    /// and for IPv6 its offender prefix too).
    public func setProtected(_ sources: Set<AddressKey>) {
        var sources = sources
        state.withLock { swap(&$0.protected, &sources) }
    }

    public func setCountryPolicy(_ policy: CountryPolicy?) {
        state.withLock { state in
            state.countries = policy
            state.countryCache.removeAll()
        }
    }

    public func updateSettings(_ settings: Settings) {
        state.withLock { state in
            if settings.floodWindow != state.settings.floodWindow || settings.meterCapacity != state.settings.meterCapacity {
                state.meter = FloodMeter(windowSeconds: settings.floodWindow, capacity: settings.meterCapacity)
            }
            state.settings = settings
        }
    }

    /// The flood reports since the last call.
    public func drainFloodReports() -> [FloodReport] {
        state.withLock { state in
            defer { state.reports.removeAll(keepingCapacity: true) }
            state.statistics.floodUncounted = state.meter.uncounted
            return state.reports
        }
    }

    /// Whether `address` is trusted, and whether it is a known source (the headroom set), in
    /// one lock: the request path's scanner screening asks this.
    public func standing(of address: AddressKey) -> (trusted: Bool, known: Bool) {
        state.withLock { ($0.trusted.contains(address), $0.headroom.contains(address)) }
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }
    public var banCount: Int { state.withLock { $0.bans.count } }

    public func isBanned(_ address: AddressKey) -> Bool {
        state.withLock { $0.bans.lookup(address) != nil }
    }
}

import UnixTime
public import Foundation
public import SecurityEvents

/// The intrusion-prevention engine: counts security events per source in each jail's
/// sliding window and decides bans, would-be bans (observe mode) and device locks. Pure:
/// no I/O, no clock (time is passed in), no locks — its single owner feeds it events in
/// order and carries out its decisions.
///
/// Memory is bounded: at most `maxTrackedSources` sources are counted (the longest-quiet are
/// forgotten first), a counter never holds more than its threshold, and a source keeps at
/// most `evidencePerSource` events for the explanation.
public struct GuardEngine: Sendable {
    public private(set) var configuration: GuardConfiguration
    private var trusted = NetworkMap<String>()
    private var sources: [GuardNetwork: SourceState] = [:]
    /// Bans this engine knows to be active (its own, and any the executor reports), so that
    /// events queued before a ban took effect do not ban again.
    private var banned = NetworkMap<Int64>()
    /// How many times each network was banned before (escalation), bounded like `sources`.
    private var offenses: [GuardNetwork: Offense] = [:]
    /// Sources that authenticated, and when (headroom).
    private var authenticated: [GuardNetwork: Int64] = [:]
    private var devices = DeviceWatch()
    public private(set) var statistics: [String: JailStatistics] = [:]
    /// Sources forgotten to stay within bounds.
    public private(set) var evictions = 0

    static let permanent = Int64.max
    private static let kinds = SecurityEvent.Kind.allCases

    public init(configuration: GuardConfiguration) {
        self.configuration = configuration
        for network in configuration.trusted { trusted[network] = "config" }
        for jail in configuration.jails { statistics[jail.name] = JailStatistics() }
    }

    // MARK: - Events

    /// Counts `event` and returns what follows from it.
    public mutating func record(_ event: SecurityEvent, standing: SourceStanding = .unknown, now: Date) -> GuardDecision {
        var decision = GuardDecision()
        guard let address = AddressKey(event.source.ip) else {
            decision.ignored = .unreadableSource
            return decision
        }
        if trusted.contains(address) {
            decision.ignored = .trusted
            return decision
        }
        let milliseconds = UnixTime.milliseconds(now)
        let offender = GuardNetwork(offender: address, ipv6PrefixLength: configuration.ipv6PrefixLength)
        switch event.kind {
        case .authSuccess:
            authenticated[offender] = milliseconds
            if let username = event.username { devices.succeeded(username: username, from: offender, at: milliseconds) }
            trimAuthenticated(now: milliseconds)
            return decision
        case .authFailure:
            if let username = event.username, configuration.deviceLock.enabled,
                let lock = devices.failed(username: username, from: offender, at: milliseconds, settings: configuration.deviceLock)
            {
                decision.locks.append(lock)
            }
        default:
            break
        }
        // An expired entry must not hide a wider one that still holds (a /32 over a /24).
        while let (network, expiry) = banned.lookup(address), expiry <= milliseconds {
            banned[network] = nil
        }
        if banned.lookup(address) != nil {
            decision.ignored = .alreadyBanned
            return decision
        }
        let counting = configuration.jails.enumerated().filter { $0.element.enabled && ($0.element.weights[event.kind] ?? 0) > 0 }
        guard !counting.isEmpty else {
            if decision.locks.isEmpty { decision.ignored = .notCounted }
            return decision
        }
        let headroom = standing == .known || hasHeadroom(offender, now: milliseconds)
        var state = takeState(offender, now: milliseconds)
        let kindIndex = UInt8(Self.kinds.firstIndex(of: event.kind) ?? 0)
        let heaviest = counting.map { $0.element.weights[event.kind] ?? 0 }.max() ?? 0
        state.remember(Evidence(event: event, weight: heaviest), limit: configuration.evidencePerSource)
        for (index, jail) in counting {
            let weight = jail.weights[event.kind] ?? 0
            statistics[jail.name, default: JailStatistics()].eventsCounted += 1
            // A flood report already went past the meter's limit with the headroom applied
            // (the ingress filter knows the same sources): it is not multiplied twice.
            let raised = headroom && event.kind != .requestFlood
            let threshold = jail.threshold * (raised ? max(1, configuration.headroomFactor) : 1)
            let sum = state.count(jail: index, time: milliseconds, weight: weight, kind: kindIndex, window: jail.window.map { UnixTime.milliseconds(seconds: $0) })
            guard sum >= threshold else { continue }
            let order = banOrder(jail: jail, jailIndex: index, network: offender, state: state, threshold: threshold, headroom: raised, now: now)
            state.clear(jail: index)
            if jail.mode == .observe {
                statistics[jail.name, default: JailStatistics()].wouldBan += 1
                decision.observed.append(order)
                continue
            }
            statistics[jail.name, default: JailStatistics()].bansIssued += 1
            noteBan(offender, expiry: order.expiry, offense: order.offense)
            decision.bans.append(order)
            // Banned: nothing more to count for this source until the ban ends.
            sources[offender] = nil
            return decision
        }
        sources[offender] = state
        return decision
    }

    private func banOrder(jail: Jail, jailIndex: Int, network: GuardNetwork, state: SourceState, threshold: Int, headroom: Bool, now: Date) -> BanOrder {
        let offense = (offenses[network]?.count ?? 0) + 1
        var duration = jail.banDuration(offense: offense)
        // One UDP event proves nothing about its source address (it may be spoofed): such a
        // ban is never permanent, and short. A connection's source answered a handshake.
        let countedEvents = state.evidence.filter { (jail.weights[$0.event.kind] ?? 0) > 0 }
        let onePacket = countedEvents.count == 1 && countedEvents[0].event.source.transport == "udp" && countedEvents[0].event.kind != .requestFlood
        if onePacket { duration = singlePacketDuration(offense: offense, jail: duration) }
        let counted = state.counters[jailIndex]?.weightsByKind() ?? [:]
        let parts = counted.sorted { $0.key < $1.key }.map { "\(Self.kinds[Int($0.key)].rawValue) ×\($0.value)" }
        var reason = "\(state.counters[jailIndex]?.sum ?? threshold) of \(threshold)"
        if let window = jail.window { reason += " within \(DurationText.text(seconds: window))" }
        if !parts.isEmpty { reason += " (\(parts.joined(separator: ", ")))" }
        if headroom { reason += "; threshold raised \(configuration.headroomFactor)x for a known source" }
        if offense > 1 { reason += "; offense \(offense)" }
        // A ban on one event (a scanner; a flood report, which weighs the whole threshold)
        // names it: "1 of 1" alone explains nothing.
        if let last = state.evidence.last, last.weight >= threshold || threshold == 1, let text = last.event.reason {
            reason += ": \(text)"
        }
        let evidence = state.evidence.filter { (jail.weights[$0.event.kind] ?? 0) > 0 }
        return BanOrder(
            network: network, jail: jail.name, reason: reason,
            evidence: evidence.map { Evidence(event: $0.event, weight: jail.weights[$0.event.kind] ?? 0) }, start: now,
            expiry: duration.map { now.addingTimeInterval(TimeInterval($0)) }, offense: offense)
    }

    /// A one-packet ban: the jail's duration, but at most `singlePacketBan` doubled per
    /// repeat up to `singlePacketMaxBan`; never permanent.
    private func singlePacketDuration(offense: Int, jail: Int?) -> Int {
        var cap = configuration.singlePacketBan
        for _ in 1..<max(1, min(offense, 64)) where cap < configuration.singlePacketMaxBan { cap *= 2 }
        cap = min(cap, configuration.singlePacketMaxBan)
        return jail.map { min($0, cap) } ?? cap
    }

    // MARK: - What the executor tells the engine

    /// A ban is in place (the engine's own, a manual one, or one reloaded at start): events
    /// from its sources are not counted until `expiry` (nil: permanent).
    public mutating func noteBan(_ network: GuardNetwork, expiry: Date?, offense: Int? = nil) {
        if banned.count >= Self.bannedLimit(configuration) { trimBanned() }
        banned[network] = expiry.map(UnixTime.milliseconds) ?? Self.permanent
        sources[network] = nil
        if let offense {
            offenses[network] = Offense(count: max(offense, offenses[network]?.count ?? 0), last: banned[network]!)
            trimOffenses()
        }
    }

    /// A ban ended (expired or lifted): the source is counted afresh, its offense count kept.
    public mutating func noteLift(_ network: GuardNetwork) {
        banned[network] = nil
    }

    /// Previous bans per network, read back at start so that escalation survives a restart.
    public mutating func restoreOffenses(_ counts: [GuardNetwork: Int]) {
        for (network, count) in counts { offenses[network] = Offense(count: count, last: 0) }
        trimOffenses()
    }

    /// Replaces the allow-list part of the trusted networks (the configured ones stay).
    public mutating func setAllowList(_ networks: [GuardNetwork]) {
        trusted = NetworkMap()
        for network in configuration.trusted { trusted[network] = "config" }
        for network in networks { trusted[network] = "allow-list" }
        for (network, _) in sources.filter({ isTrusted($0.key) }) { sources[network] = nil }
    }

    public func isTrusted(_ network: GuardNetwork) -> Bool {
        trusted.lookup(network.key).map { $0.network.length <= network.length } ?? false
    }

    public func isTrusted(_ address: AddressKey) -> Bool {
        trusted.contains(address)
    }

    /// Whether `address` authenticated recently (headroom), for the executor's own checks.
    public func authenticatedRecently(_ address: AddressKey, now: Date) -> Bool {
        let offender = GuardNetwork(offender: address, ipv6PrefixLength: configuration.ipv6PrefixLength)
        return hasHeadroom(offender, now: UnixTime.milliseconds(now))
    }

    /// An authentication within the headroom time. One "from the future" (the wall clock went
    /// back since) counts from now, so a clock correction cannot stretch it.
    private func hasHeadroom(_ offender: GuardNetwork, now: Int64) -> Bool {
        guard let time = authenticated[offender] else { return false }
        let age = max(0, now - min(time, now))
        return age < UnixTime.milliseconds(seconds: configuration.headroomAfterAuth)
    }

    /// Sources that authenticated within the headroom time.
    public func recentlyAuthenticated(now: Date) -> [GuardNetwork] {
        let horizon = UnixTime.milliseconds(now) - UnixTime.milliseconds(seconds: configuration.headroomAfterAuth)
        return authenticated.filter { $0.value > horizon }.map(\.key)
    }

    // MARK: - Housekeeping

    /// Forgets what has aged out: empty counters, old authentications, ended bans the
    /// executor has not reported, ended device locks (returned, to be lifted).
    public mutating func sweep(now: Date) -> [String] {
        let milliseconds = UnixTime.milliseconds(now)
        let windows = configuration.jails.map { $0.window.map { UnixTime.milliseconds(seconds: $0) } }
        for (network, var state) in sources {
            for (index, window) in windows.enumerated() { state.prune(jail: index, now: milliseconds, window: window) }
            if state.isIdle { sources[network] = nil } else { sources[network] = state }
        }
        banned.removeAll { _, expiry in expiry <= milliseconds }
        // Authentications "from the future" (the clock went back) count from now on.
        if authenticated.values.contains(where: { $0 > milliseconds }) {
            authenticated = authenticated.mapValues { min($0, milliseconds) }
        }
        trimAuthenticated(now: milliseconds)
        return devices.sweep(now: milliseconds, settings: configuration.deviceLock)
    }

    /// Sources counted at the moment.
    public var trackedSources: Int { sources.count }

    /// The sources closest to a ban: the highest share of a threshold reached, per jail.
    public func topSources(limit: Int, now: Date) -> [SourceScore] {
        var scores: [SourceScore] = []
        for (network, state) in sources {
            for (index, counter) in state.counters where counter.sum > 0 && index < configuration.jails.count {
                scores.append(SourceScore(network: network, jail: configuration.jails[index].name, score: counter.sum, lastSeen: UnixTime.date(state.lastSeen)))
            }
        }
        return Array(scores.sorted { ($0.score, $0.lastSeen) > ($1.score, $1.lastSeen) }.prefix(limit))
    }

    // MARK: - Bounds

    private mutating func takeState(_ network: GuardNetwork, now: Int64) -> SourceState {
        if var state = sources[network] {
            state.lastSeen = now
            return state
        }
        if sources.count >= configuration.maxTrackedSources { evictQuietest() }
        return SourceState(lastSeen: now)
    }

    /// Forgets the tenth of the tracked sources that have been quiet longest: amortised, one
    /// sort per many insertions.
    private mutating func evictQuietest() {
        let excess = max(1, configuration.maxTrackedSources / 10)
        let victims = sources.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(excess)
        for (network, _) in victims { sources[network] = nil }
        evictions += victims.count
    }

    private mutating func trimAuthenticated(now: Int64) {
        guard authenticated.count > configuration.maxTrackedSources else { return }
        let horizon = now - UnixTime.milliseconds(seconds: configuration.headroomAfterAuth)
        authenticated = authenticated.filter { $0.value > horizon }
        if authenticated.count > configuration.maxTrackedSources {
            let keep = authenticated.sorted { $0.value > $1.value }.prefix(configuration.maxTrackedSources * 9 / 10)
            authenticated = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    /// Bans remembered for de-duplication: a spoofed flood could otherwise add one per
    /// packet. Forgetting one only risks a duplicate ban order for a queued event (the ingress
    /// filter and the database hold the ban itself).
    static func bannedLimit(_ configuration: GuardConfiguration) -> Int {
        max(1, configuration.maxTrackedSources)
    }

    /// Forgets the tenth of the remembered bans that end soonest.
    private mutating func trimBanned() {
        let entries = banned.entries.sorted { $0.value < $1.value }
        for (network, _) in entries.prefix(max(1, entries.count / 10)) { banned[network] = nil }
    }

    private mutating func trimOffenses() {
        guard offenses.count > configuration.maxTrackedSources else { return }
        let keep = offenses.sorted { $0.value.last > $1.value.last }.prefix(configuration.maxTrackedSources * 9 / 10)
        offenses = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}

/// A jail's counts since the start.
public struct JailStatistics: Sendable, Equatable {
    public var eventsCounted = 0
    public var bansIssued = 0
    public var wouldBan = 0

    public init() {}
}

/// A source's weight in one jail.
public struct SourceScore: Sendable, Equatable {
    public var network: GuardNetwork
    public var jail: String
    public var score: Int
    public var lastSeen: Date
}

struct Offense: Sendable {
    var count: Int
    var last: Int64
}

import UnixTime
import Console
import Foundation
import Guard
import Logging
import SecurityEvents
import ServiceLifecycle
import SIPCore
import Storage
import Switch
import Synchronization

/// The Guard's executor: drains the security events every 100 ms, records them (log,
/// unidentified attempts), feeds them and the ingress filter's flood reports to the engine,
/// and carries out its decisions — the ingress filter first (a ban takes effect within one
/// drain), then the database, the security log and the kernel set. Once a second it lifts
/// expired bans, ends device locks, and picks up what the CLI changed (bans, allow-list);
/// every few seconds it re-reads the blocklist file, refreshes the known sources and writes
/// the status snapshot.
final class GuardService: Service, Sendable {
    struct Parts: Sendable {
        var queue: SecurityEventQueue
        var recorder: SecurityEventRecorder
        var filter: IngressFilter
        var callers: CallerServices
        var database: AppDatabase
        var settings: GuardSettings
        var hub: EventHub? = nil
    }

    struct State: Sendable {
        var engine: GuardEngine
        /// Active bans in the database, by network text.
        var stored: [String: Ban] = [:]
        var blocklist: [GuardNetwork] = []
        var blocklistSignature: String?
        var allowList: [GuardNetwork] = []
        var known = Set<AddressKey>()
        /// Configured providers' addresses (each, and for IPv6 its offender prefix too).
        var providers = Set<AddressKey>()
        /// The Guard's own bans, weakest first, for making room when the table is full.
        var eviction = BanEvictionOrder()
        var dataVersion = -1
        var ticks = 0
        var countryDropsLogged = 0
        /// When the ban table being full was last logged, and what happened since.
        var fullLogged: Date?
        var evictedWhileFull = 0
        var refusedWhileFull = 0
    }

    static let interval: Duration = .milliseconds(100)

    let parts: Parts
    let log: SecurityLog
    let firewall: NFTablesSet?
    let logger: Logger
    private let state: Mutex<State>

    init(parts: Parts, logger: Logger) {
        self.parts = parts
        self.logger = logger
        self.log = SecurityLog(logger: logger, fail2banPath: parts.settings.fail2banLogPath, hub: parts.hub)
        self.firewall = parts.settings.nftablesSet.flatMap(NFTablesSet.init(specification:))
        self.state = Mutex(State(engine: GuardEngine(configuration: parts.settings.engine)))
    }

    func run() async throws {
        start(now: Date())
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            tick(now: Date())
            do {
                try await Task.sleep(for: Self.interval)
            } catch {
                break
            }
        }
        drain(now: Date())
        parts.recorder.flush()
    }

    /// Each jail's counts since start (events counted, bans issued), for the metrics.
    var jailStatistics: [String: JailStatistics] { state.withLock { $0.engine.statistics } }

    // MARK: - Start

    /// Reads back the active bans, previous offenses, the allow-list and the blocklist.
    func start(now: Date) {
        do {
            let active = try parts.database.activeBans(at: now)
            let counts = try parts.database.banCountsByNetwork()
            state.withLock { state in
                for ban in active {
                    state.stored[ban.network] = ban
                    if let entry = Self.evictionEntry(ban) { state.eviction.insert(entry) }
                }
                var offenses: [GuardNetwork: Int] = [:]
                for (text, count) in counts {
                    if let network = try? GuardNetwork(parsing: text) { offenses[network] = count }
                }
                state.engine.restoreOffenses(offenses)
                for ban in active {
                    if let network = try? GuardNetwork(parsing: ban.network) { state.engine.noteBan(network, expiry: ban.expiresAt) }
                }
            }
            // Debug: the server's own start-up lines (listening, ready, or why not) come first.
            logger.debug("guard started", metadata: [
                "active_bans": "\(active.count)", "jails": "\(parts.settings.engine.jails.filter(\.enabled).map(\.name).joined(separator: ","))",
            ])
        } catch {
            logger.error("bans not read back", metadata: ["error": "\(error)"])
        }
        reloadAllowList()
        reloadBlocklist(force: true)
        applyBans()
        refreshKnownSources(now: now)
    }

    // MARK: - Every 100 ms

    func tick(now: Date) {
        drain(now: now)
        let second = state.withLock { state -> Bool in
            state.ticks += 1
            return state.ticks % 10 == 0
        }
        guard second else { return }
        housekeeping(now: now)
        parts.recorder.flush()
    }

    /// Records and counts every waiting event and flood report, and carries out the decisions.
    func drain(now: Date) {
        let (events, dropped) = parts.queue.drain()
        if dropped > 0 {
            logger.warning("security events dropped: the guard fell behind", metadata: ["count": "\(dropped)"])
        }
        var all = events
        for report in parts.filter.drainFloodReports() {
            let settings = parts.settings.engine.jail(named: Jail.sipFlood.name)
            all.append(SecurityEvent(
                kind: .requestFlood, time: now, source: SecuritySource(transport: report.transport, ip: report.source.description, port: 0),
                reason: "about \(report.estimate) requests within \(DurationText.text(seconds: settings?.window ?? 2)) (limit \(settings?.threshold ?? 0))",
                packet: .noRequest))
        }
        guard !all.isEmpty else { return }
        var decisions: [GuardDecision] = []
        state.withLock { state in
            for event in all {
                let standing: SourceStanding = AddressKey(event.source.ip).map { state.known.contains($0) } == true ? .known : .unknown
                let decision = state.engine.record(event, standing: standing, now: now)
                if !decision.isEmpty { decisions.append(decision) }
            }
        }
        for event in all {
            parts.recorder.record(event)
            log.failure(event)
        }
        var bans: [BanOrder] = []
        for decision in decisions { bans += carryOut(decision, pending: bans.count, now: now) }
        store(bans, now: now)
    }

    /// Puts bans in place at the door, logs them and the would-be bans, locks devices;
    /// returns the bans to store (`pending`: those of this drain not stored yet). A ban on a
    /// configured provider's address is logged and alerted instead (`guard.ban_providers`).
    /// When the table is full, the weakest ban (the new one included) gives way.
    private func carryOut(_ decision: GuardDecision, pending: Int, now: Date) -> [BanOrder] {
        for order in decision.observed { log.wouldBan(order) }
        var applied: [BanOrder] = []
        for order in decision.bans {
            if !parts.settings.banProviders, isProvider(order.network) {
                log.providerSpared(order)
                continue
            }
            switch makeRoom(for: order, pending: pending + applied.count, now: now) {
            case .refused:
                continue
            case .evicted(let bans):
                lift(bans, by: "evicted", now: now)
            case .room:
                break
            }
            // The door first: the ban holds from the next packet on.
            parts.filter.ban(order.network)
            log.ban(order)
            applied.append(order)
        }
        for order in decision.locks { lockDevice(order, now: now) }
        return applied
    }

    private enum Room {
        case room
        case evicted([Ban])
        case refused
    }

    /// Whether `order` fits in the ban table: there is room, a weaker ban is evicted for
    /// it, or it is itself the weakest and is not applied.
    private func makeRoom(for order: BanOrder, pending: Int, now: Date) -> Room {
        let limit = parts.settings.maxActiveBans
        let outcome: Room = state.withLock { state in
            guard state.stored.count + pending >= limit else { return .room }
            let candidate = Self.evictionEntry(order, now: now)
            let stored = state.stored
            let isCurrent = { (entry: BanEvictionOrder.Entry) in stored[entry.network.description]?.id == entry.banId }
            guard let weakest = state.eviction.weakest(isCurrent: isCurrent), weakest < candidate,
                let ban = state.stored.removeValue(forKey: weakest.network.description)
            else {
                state.refusedWhileFull += 1
                return .refused
            }
            state.eviction.removeTop()
            state.evictedWhileFull += 1
            state.engine.noteLift(weakest.network)
            return .evicted([ban])
        }
        if case .room = outcome { return outcome }
        logFull(now: now)
        return outcome
    }

    /// Lifts bans the Guard itself ends early (evicted): the database, the door, the
    /// kernel set, the log.
    private func lift(_ bans: [Ban], by lifter: String, now: Date) {
        for ban in bans {
            do {
                _ = try parts.database.liftBans(network: ban.network, at: now, by: lifter)
            } catch {
                logger.error("evicted ban not lifted in the database", metadata: ["network": "\(ban.network)", "error": "\(error)"])
            }
            if let network = try? GuardNetwork(parsing: ban.network) { parts.filter.lift(network) }
            log.unban(network: ban.network, jail: ban.jail, by: lifter)
        }
        firewall?.remove(bans.compactMap { try? GuardNetwork(parsing: $0.network) })
    }

    /// Whether a ban on `network` would shut out a configured provider.
    private func isProvider(_ network: GuardNetwork) -> Bool {
        let providers = state.withLock { $0.providers }
        return providers.contains { network.contains($0) }
    }

    /// A stored Guard ban in the eviction order; nil for manual and blocklist bans, which
    /// never give way.
    static func evictionEntry(_ ban: Ban) -> BanEvictionOrder.Entry? {
        guard ban.createdBy == "guard", let id = ban.id, let network = try? GuardNetwork(parsing: ban.network) else { return nil }
        let onePacket = ban.evidence.count == 1 && ban.evidence[0].source.hasPrefix("udp:") && ban.evidence[0].kind != SecurityEvent.Kind.requestFlood.rawValue
        return BanEvictionOrder.Entry(
            network: network, banId: id, onePacket: onePacket, expiry: ban.expiresAt.map(UnixTime.milliseconds) ?? .max,
            start: UnixTime.milliseconds(ban.startedAt))
    }

    /// A new ban in the same order (it has no id yet).
    static func evictionEntry(_ order: BanOrder, now: Date) -> BanEvictionOrder.Entry {
        let onePacket = order.evidence.count == 1 && order.evidence[0].event.source.transport == "udp" && order.evidence[0].event.kind != .requestFlood
        return BanEvictionOrder.Entry(
            network: order.network, banId: -1, onePacket: onePacket, expiry: order.expiry.map(UnixTime.milliseconds) ?? .max,
            start: UnixTime.milliseconds(order.start))
    }


    /// Stores the bans of one drain in one transaction and offloads them in one `nft` run per
    /// family: a burst of bans must not cost a write each.
    private func store(_ orders: [BanOrder], now: Date) {
        guard !orders.isEmpty else { return }
        let bans = orders.map { order in
            Ban(
                network: order.network.description, jail: order.jail, reason: order.reason, evidence: order.evidence.map(Self.evidence),
                startedAt: order.start, expiresAt: order.expiry, createdBy: "guard", offense: order.offense)
        }
        do {
            let stored = try parts.database.insert(bans)
            state.withLock { state in
                for ban in stored {
                    state.stored[ban.network] = ban
                    if let entry = Self.evictionEntry(ban) { state.eviction.insert(entry) }
                }
            }
        } catch {
            logger.error("bans not stored (they hold until restart)", metadata: ["count": "\(bans.count)", "error": "\(error)"])
        }
        offload(orders.map { ($0.network, $0.expiry) }, now: now)
    }

    private func offload(_ bans: [(network: GuardNetwork, expiry: Date?)], now: Date) {
        guard let firewall, !bans.isEmpty else { return }
        let elements = bans.map { (network: $0.network, seconds: $0.expiry.map { Int($0.timeIntervalSince(now).rounded(.up)) }) }
        if let problem = firewall.add(elements) {
            logger.error("kernel offload turned off", metadata: ["reason": "\(problem)"])
        }
    }

    /// Says once a minute that the table is full, with what gave way since.
    private func logFull(now: Date) {
        let counts = state.withLock { state -> (evicted: Int, refused: Int)? in
            guard state.fullLogged.map({ now.timeIntervalSince($0) >= 60 }) ?? true else { return nil }
            state.fullLogged = now
            defer {
                state.evictedWhileFull = 0
                state.refusedWhileFull = 0
            }
            return (state.evictedWhileFull, state.refusedWhileFull)
        }
        if let counts { log.tableFull(limit: parts.settings.maxActiveBans, evicted: counts.evicted, refused: counts.refused) }
    }

    private func lockDevice(_ order: DeviceLockOrder, now: Date) {
        // The sources the device authenticated from, and those of its live registrations.
        var keep = order.keep
        let milliseconds = UnixTime.milliseconds(now)
        if let device = parts.callers.directory.directory.device(username: order.username) {
            for binding in parts.callers.registrar.bindings(deviceId: device.id, now: milliseconds) {
                if let key = AddressKey(binding.source.ip) {
                    keep.append(GuardNetwork(offender: key, ipv6PrefixLength: parts.settings.engine.ipv6PrefixLength))
                }
            }
        }
        parts.callers.deviceLocks.lock(username: order.username, until: UnixTime.milliseconds(order.until), keep: keep)
        var logged = order
        logged.keep = Array(Set(keep)).sorted { $0.key < $1.key }
        log.lock(logged)
        parts.recorder.record(SecurityEvent(
            kind: .deviceLocked, time: now, source: SecuritySource(transport: "", ip: "", port: 0), username: order.username,
            reason: order.reason, packet: .noRequest))
    }

    // MARK: - Every second

    func housekeeping(now: Date) {
        let (ended, ticks) = state.withLock { state in (state.engine.sweep(now: now), state.ticks) }
        for username in ended {
            parts.callers.deviceLocks.unlock(username: username)
            log.unlock(username: username)
        }
        liftExpired(now: now)
        let version = (try? parts.database.dataVersion()) ?? -1
        let changed = state.withLock { state -> Bool in
            defer { state.dataVersion = version }
            return state.dataVersion != version
        }
        if changed {
            reloadAllowList()
            reloadStoredBans(now: now)
        }
        if ticks % 50 == 0 {
            if reloadBlocklist(force: false) { applyBans() }
            refreshKnownSources(now: now)
            writeStatus(now: now)
        }
    }

    private func liftExpired(now: Date) {
        let lifted: [Ban]
        do {
            lifted = try parts.database.liftExpiredBans(at: now)
        } catch {
            logger.error("expired bans not lifted in the database", metadata: ["error": "\(error)"])
            return
        }
        guard !lifted.isEmpty else { return }
        state.withLock { state in
            for ban in lifted {
                state.stored[ban.network] = nil
                if let network = try? GuardNetwork(parsing: ban.network) { state.engine.noteLift(network) }
            }
        }
        applyBans()
        for ban in lifted { log.unban(network: ban.network, jail: ban.jail, by: Ban.liftedByExpiry) }
    }

    /// Bans added or lifted by the CLI (or another process): the database is the truth.
    private func reloadStoredBans(now: Date) {
        guard let active = try? parts.database.activeBans(at: now) else { return }
        let fresh = Dictionary(active.map { ($0.network, $0) }, uniquingKeysWith: { first, _ in first })
        let (added, removed) = state.withLock { state -> ([Ban], [Ban]) in
            let added = fresh.values.filter { state.stored[$0.network] == nil }
            let removed = state.stored.values.filter { fresh[$0.network] == nil }
            state.stored = fresh
            for ban in added {
                if let network = try? GuardNetwork(parsing: ban.network) { state.engine.noteBan(network, expiry: ban.expiresAt, offense: ban.offense) }
            }
            for ban in removed {
                if let network = try? GuardNetwork(parsing: ban.network) { state.engine.noteLift(network) }
            }
            return (added, removed)
        }
        guard !added.isEmpty || !removed.isEmpty else { return }
        applyBans()
        // `ban remove`: the kernel drops the source no longer either.
        firewall?.remove(removed.compactMap { try? GuardNetwork(parsing: $0.network) })
        offload(added.filter { $0.createdBy != "guard" }.compactMap { ban in
            (try? GuardNetwork(parsing: ban.network)).map { ($0, ban.expiresAt) }
        }, now: now)
        for ban in added where ban.createdBy != "guard" {
            logger.notice("ban", metadata: [
                "network": "\(ban.network)", "jail": "\(ban.jail)", "reason": "\(SafeText.escape(ban.reason))", "by": "\(ban.createdBy)",
                "until": "\(ban.expiresAt.map(SecurityLog.iso) ?? "permanent")",
            ])
        }
        for ban in removed {
            let lifted = (try? parts.database.bans(network: ban.network))?.first { $0.id == ban.id }
            log.unban(network: ban.network, jail: ban.jail, by: lifted?.liftedBy ?? "cli")
        }
    }

    private func reloadAllowList() {
        guard let rows = try? parts.database.allowedNetworks() else { return }
        let allowed = rows.compactMap { try? GuardNetwork(parsing: $0.network) }
        let trusted = parts.settings.engine.trusted + allowed
        state.withLock { state in
            state.allowList = allowed
            state.engine.setAllowList(allowed)
        }
        parts.filter.setTrusted(trusted)
    }

    /// Returns whether the blocklist changed.
    @discardableResult
    private func reloadBlocklist(force: Bool) -> Bool {
        guard let path = parts.settings.blocklistPath else { return false }
        let file = BlocklistFile(path: path)
        let signature = file.signature()
        let unchanged = state.withLock { $0.blocklistSignature == signature }
        if unchanged && !force { return false }
        guard let contents = file.read() else {
            logger.error("blocklist unreadable; the previous one stays", metadata: ["path": "\(path)"])
            state.withLock { $0.blocklistSignature = signature }
            return false
        }
        for rejected in contents.rejected.prefix(10) {
            logger.warning("blocklist line is not a network", metadata: ["path": "\(path)", "line": "\(rejected.line)", "text": "\(SafeText.escape(rejected.text))"])
        }
        state.withLock { state in
            state.blocklist = contents.networks
            state.blocklistSignature = signature
        }
        logger.notice("blocklist read", metadata: ["path": "\(path)", "networks": "\(contents.networks.count)", "rejected": "\(contents.rejected.count)"])
        return true
    }

    /// The ingress filter's bans: the database's active ones and the blocklist's.
    private func applyBans() {
        let networks = state.withLock { state in
            state.stored.keys.compactMap { try? GuardNetwork(parsing: $0) } + state.blocklist
        }
        parts.filter.replaceBans(networks)
    }

    /// Registered devices' sources, providers' addresses and recent authentications: the
    /// flood meter's and the engine's headroom, the fingerprints' known sources.
    private func refreshKnownSources(now: Date) {
        // Each address as itself (the fingerprints' lookup) and, for IPv6, as its offender
        // prefix too (the flood meter and the engine count IPv6 by prefix).
        let prefix = parts.settings.engine.ipv6PrefixLength
        var known = Set<AddressKey>()
        func insert(_ key: AddressKey) {
            known.insert(key)
            if !key.isIPv4 { known.insert(key.masked(to: prefix)) }
        }
        for binding in parts.callers.registrar.all {
            if let key = AddressKey(binding.source.ip) { insert(key) }
        }
        var providers = Set<AddressKey>()
        for address in parts.callers.directory.directory.providers.addresses {
            guard let key = AddressKey(bytes: address) else { continue }
            insert(key)
            providers.insert(key)
            if !key.isIPv4 { providers.insert(key.masked(to: prefix)) }
        }
        let recent = state.withLock { $0.engine.recentlyAuthenticated(now: now) }
        for network in recent { insert(network.key) }
        state.withLock { state in
            state.known = known
            state.providers = providers
            let stored = state.stored
            state.eviction.compact(isCurrent: { stored[$0.network.description]?.id == $0.banId }, live: stored.count)
        }
        parts.filter.setHeadroom(known)
        if !parts.settings.banProviders { parts.filter.setProtected(providers) }
    }

    private func writeStatus(now: Date) {
        let snapshot = state.withLock { state in
            GuardStatusSnapshot(
                updatedAt: now,
                jails: state.engine.configuration.jails.map { jail in
                    let statistics = state.engine.statistics[jail.name] ?? JailStatistics()
                    return JailStatus(
                        name: jail.name, mode: jail.enabled ? jail.mode.rawValue : "off",
                        kinds: Dictionary(uniqueKeysWithValues: jail.weights.map { ($0.key.rawValue, $0.value) }), threshold: jail.threshold,
                        windowSeconds: jail.window, banSeconds: jail.ban, eventsCounted: statistics.eventsCounted,
                        bansIssued: statistics.bansIssued, wouldBan: statistics.wouldBan,
                        activeBans: state.stored.values.filter { $0.jail == jail.name }.count)
                },
                topSources: state.engine.topSources(limit: 10, now: now).map {
                    SourceStatus(source: $0.network.description, jail: $0.jail, score: $0.score, lastSeen: $0.lastSeen)
                },
                trackedSources: state.engine.trackedSources, activeBans: state.stored.count + state.blocklist.count)
        }
        do {
            try parts.database.saveGuardStatus(snapshot)
        } catch {
            logger.debug("guard status not written", metadata: ["error": "\(error)"])
        }
        let statistics = parts.filter.statistics
        let logged = state.withLock { state -> Int in
            defer { state.countryDropsLogged = statistics.droppedCountry }
            return state.countryDropsLogged
        }
        if statistics.droppedCountry > logged {
            logger.notice("packets dropped by country rules", metadata: ["count": "\(statistics.droppedCountry - logged)"])
        }
    }

    static func evidence(_ item: Evidence) -> BanEvidence {
        let event = item.event
        return BanEvidence(
            time: event.time, kind: event.kind.rawValue, weight: item.weight, source: event.source.description, username: event.username,
            reason: event.reason, method: event.packet.method, requestURI: event.packet.requestURI, from: event.packet.from,
            to: event.packet.to, callID: event.packet.callID, contact: event.packet.contact, userAgent: event.packet.userAgent)
    }
}

import UnixTime
import Foundation
import Logging
import NIOCore
import NIOPosix
import Registrar
import ServiceLifecycle
import SIPCore
import SIPTransport
import Storage
import Switch

/// Registers the server to every enabled provider identified by registration (RFC 3261
/// §10.2), over the server's own UDP socket, and keeps `provider status` up to date. Reads
/// the providers at start and again when the database changes (checked every second, as
/// the caller maintenance does); a provider whose settings changed is unregistered and
/// registered again. On graceful shutdown every binding is removed (Expires: 0), waiting up
/// to 2 s for the answers.
///
/// Responses reach the machines through `CallerServices`' response consumers (on the event
/// loops); timers and database writes run on this service's task.
struct OutboundRegistrationService: Service {
    let database: AppDatabase
    let server: SIPServer
    let logger: Logger
    let wallClock: @Sendable () -> Int64
    let client: OutboundRegistrationClient
    /// How often the database is checked for changed providers.
    var checkInterval: Duration = .seconds(1)
    /// How long graceful shutdown waits for the removals to be answered.
    var shutdownWait: Duration = .seconds(2)
    /// A provider that could not be started for a reason that may pass (its host name does
    /// not resolve) is tried again after this long.
    var blockedRetry: Duration = .seconds(60)

    init(
        database: AppDatabase, server: SIPServer, callers: CallerServices, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64 = CallerSetup.unixMilliseconds
    ) {
        self.database = database
        self.server = server
        self.logger = logger
        self.wallClock = wallClock
        self.client = OutboundRegistrationClient(wallClock: wallClock)
        callers.addResponseConsumer(client)
    }

    func run() async throws {
        await run(until: { Task.isShuttingDownGracefully })
    }

    /// The service's loop, until `stopRequested` (graceful shutdown; a test's flag) or
    /// cancellation; then the removals.
    func run(until stopRequested: @escaping @Sendable () -> Bool) async {
        let clock = ContinuousClock()
        // SIPServerService binds the listeners concurrently: Via and Contact need their address.
        var listeners: [SIPBoundListener] = []
        while listeners.isEmpty {
            if Task.isCancelled || stopRequested() { return }
            listeners = server.listeners
            if listeners.isEmpty { try? await Task.sleep(for: .milliseconds(50)) }
        }
        var known = KnownProviders()
        var seenVersion = (try? database.dataVersion()) ?? 0
        await reconcile(&known, listeners: listeners, now: clock.now)
        var lastCheck = clock.now
        while !Task.isCancelled && !stopRequested() {
            do {
                try await Task.sleep(for: nap())
            } catch {
                break
            }
            client.tick()
            writeStatuses()
            if clock.now - lastCheck >= checkInterval {
                lastCheck = clock.now
                let version = (try? database.dataVersion()) ?? seenVersion
                if version != seenVersion || known.retryDue(at: clock.now) {
                    seenVersion = version
                    await reconcile(&known, listeners: listeners, now: clock.now)
                }
            }
        }
        await unregisterAll()
    }

    /// Until the next machine deadline, but at most 200 ms while registrations run (a
    /// response may have armed a nearer retransmission meanwhile), and 1 s when none do.
    private func nap() -> Duration {
        guard !client.isEmpty else { return checkInterval }
        let milliseconds = (client.nextDeadline.map { $0 - wallClock() } ?? 200)
        return .milliseconds(min(max(milliseconds, 5), 200))
    }

    /// Sends every removal and waits for the answers (challenges included) up to
    /// `shutdownWait`; what did not finish is written as disabled all the same.
    private func unregisterAll() async {
        client.stopAll()
        let clock = ContinuousClock()
        let deadline = clock.now + shutdownWait
        // A cancelled task (not a graceful shutdown) sends the removals but cannot wait.
        while !client.allStopped && clock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
            client.tick()
        }
        writeStatuses()
        let now = wallClock()
        for (providerId, name, status) in client.unfinished {
            save(ProviderRegistrationStatus(
                providerId: providerId, state: .disabled, lastStatusCode: status.lastStatusCode,
                lastError: "server stopped before the provider confirmed the removal", callID: status.callID,
                updatedAt: UnixTime.date(now)), name: name)
        }
    }

    // MARK: - Providers

    /// What the service did with each provider it has seen.
    struct KnownProviders {
        enum Entry {
            /// Could not start (unsupported transport, no credentials, no address); `retryAt`
            /// when the reason may pass.
            case blocked(OutboundProviderSettings, retryAt: ContinuousClock.Instant?)
            /// Disabled (status written once).
            case disabled
        }

        var entries: [Int64: Entry] = [:]

        func retryDue(at now: ContinuousClock.Instant) -> Bool {
            entries.values.contains { entry in
                if case .blocked(_, let retryAt?) = entry { return retryAt <= now }
                return false
            }
        }
    }

    /// Brings the running registrations in line with the database.
    private func reconcile(_ known: inout KnownProviders, listeners: [SIPBoundListener], now: ContinuousClock.Instant) async {
        let providers: [Provider]
        do {
            providers = try database.providers()
        } catch {
            logger.error("providers not read; outbound registrations unchanged", metadata: ["error": "\(error)"])
            return
        }
        let running = client.running
        let byId = Dictionary(providers.compactMap { provider in provider.id.map { ($0, provider) } }, uniquingKeysWith: { first, _ in first })
        // Removed, disabled, changed or no longer registering: the old binding goes.
        for (id, settings) in running {
            if let provider = byId[id], provider.identification == .registration, provider.enabled,
                OutboundProviderSettings(provider) == settings
            {
                continue
            }
            client.retire(providerId: id)
            logger.info("outbound registration removed", metadata: ["provider": "\(byId[id]?.name ?? "#\(id)")"])
        }
        let stillRunning = client.running
        for provider in providers where provider.identification == .registration {
            guard let id = provider.id else { continue }
            guard provider.enabled else {
                if case .disabled = known.entries[id] { continue }
                known.entries[id] = .disabled
                save(ProviderRegistrationStatus(providerId: id, state: .disabled, updatedAt: UnixTime.date(wallClock())), name: provider.name)
                continue
            }
            let settings = OutboundProviderSettings(provider)
            if stillRunning[id] == settings { continue }
            if case .blocked(let blockedSettings, let retryAt) = known.entries[id], blockedSettings == settings,
                retryAt.map({ $0 > now }) ?? true
            {
                continue
            }
            known.entries[id] = nil
            if let problem = await start(provider, id: id, listeners: listeners) {
                known.entries[id] = .blocked(settings, retryAt: problem.mayPass ? now + blockedRetry : nil)
                let retryAt = problem.mayPass ? wallClock() + Int64(blockedRetry.components.seconds) * 1000 : nil
                save(ProviderRegistrationStatus(
                    providerId: id, state: .failed, lastError: problem.reason,
                    nextAttemptAt: retryAt.map(UnixTime.date), updatedAt: UnixTime.date(wallClock())),
                    name: provider.name)
            }
        }
        // Providers gone from the list (or no longer registering) are forgotten.
        known.entries = known.entries.filter { id, _ in byId[id]?.identification == .registration }
        writeStatuses()
    }

    private struct StartProblem {
        let reason: String
        /// Worth trying again later without a change to the provider.
        var mayPass = false
    }

    /// Makes and starts the machine of one provider; the problem when it cannot.
    private func start(_ provider: Provider, id: Int64, listeners: [SIPBoundListener]) async -> StartProblem? {
        guard provider.transport == .udp else {
            return StartProblem(reason: "outbound registration over TCP/TLS is not supported yet")
        }
        guard let username = provider.registerUsername, let realm = provider.registerRealm,
            provider.registerHA1MD5 != nil || provider.registerHA1SHA256 != nil
        else {
            return StartProblem(reason: "no registration credentials: set them with `provider set --register-username ... --password-stdin`")
        }
        guard let host = provider.hosts.first else { return StartProblem(reason: "the provider has no host") }
        let port = provider.port ?? 5060
        let addresses = CallerDirectoryLoader.resolve(host, logger: logger)
        // The first address of a family the server has a UDP listener for.
        let families = Set(listeners.filter { $0.transport == .udp }.map { $0.address.isIPv6 })
        guard let destination = addresses.lazy.compactMap({ try? SocketAddress(packedIPAddress: ByteBuffer(bytes: $0), port: port) })
            .first(where: { families.contains($0.isIPv6) })
        else {
            if addresses.isEmpty { return StartProblem(reason: "provider host \(host) does not resolve", mayPass: true) }
            return StartProblem(reason: "no UDP listener of the address family of \(host)")
        }
        guard let sender = server.udpSender(toward: destination), let local = await Self.localAddress(toward: destination, listeners: listeners) else {
            return StartProblem(reason: "no UDP listener toward \(destination.displayText)", mayPass: true)
        }
        var configuration = OutboundRegistration.Configuration(
            registrarHost: host, registrarPort: provider.port, domain: Self.domain(realm: realm, host: host), username: username,
            realm: realm, ha1MD5: provider.registerHA1MD5, ha1SHA256: provider.registerHA1SHA256, expires: provider.registerExpires,
            callIDPolicy: provider.registerCallID == .new ? .new : .keep, localHost: local.host, localPort: local.port)
        configuration.userAgent = server.configuration.userAgent
        client.add(OutboundRegistrationClient.Registration(
            providerId: id, providerName: provider.name, settings: OutboundProviderSettings(provider),
            machine: OutboundRegistration(configuration: configuration), sender: sender))
        logger.info("outbound registration started", metadata: [
            "provider": "\(provider.name)", "registrar": "\(destination.displayText)", "contact": "\(configuration.contactURI)",
            "call_id_policy": "\(provider.registerCallID.rawValue)",
        ])
        return nil
    }

    // MARK: - Statuses

    private func writeStatuses() {
        let changes = client.takeStatusChanges()
        guard !changes.isEmpty else { return }
        var failed: [OutboundRegistrationClient.StatusChange] = []
        for change in changes where !save(change.record, name: change.providerName) {
            failed.append(change)
        }
        client.requeue(failed)
    }

    /// Writes one status and logs it; false when it should be tried again.
    @discardableResult
    private func save(_ record: ProviderRegistrationStatus, name: String) -> Bool {
        var metadata: Logger.Metadata = ["provider": "\(name)", "state": "\(record.state.rawValue)"]
        if let code = record.lastStatusCode { metadata["code"] = "\(code)" }
        if let error = record.lastError { metadata["error"] = "\(error)" }
        if record.state == .failed {
            logger.warning("outbound registration", metadata: metadata)
        } else {
            logger.info("outbound registration", metadata: metadata)
        }
        do {
            try database.saveProviderRegistrationStatus(record)
            return true
        } catch StorageError.notFound {
            return true  // the provider was removed meanwhile: nothing to keep
        } catch {
            logger.error("provider registration status not written (will retry)", metadata: ["provider": "\(name)", "error": "\(error)"])
            return false
        }
    }

    // MARK: - Addresses

    /// The host of the address-of-record: the realm when it is a domain name (providers
    /// commonly name their domain as realm), else the registrar's host.
    static func domain(realm: String, host: String) -> String {
        let isDomainName = realm.contains(".") && realm.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return isDomainName ? realm : host
    }

    /// Our address as the provider sees it (Via sent-by, Contact): the UDP listener's
    /// address, or for a wildcard listener the local address the kernel picks toward the
    /// provider (found by connecting a UDP socket, which sends nothing).
    static func localAddress(toward destination: SocketAddress, listeners: [SIPBoundListener]) async -> (host: String, port: Int)? {
        let wantsIPv6 = destination.isIPv6
        guard let listener = listeners.first(where: { $0.transport == .udp && $0.address.isIPv6 == wantsIPv6 }),
            let ip = listener.address.ipAddress
        else { return nil }
        guard ip == "0.0.0.0" || ip == "::" else { return (ip, listener.port) }
        do {
            let probe = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(to: destination).get()
            let local = probe.localAddress?.ipAddress
            try? await probe.close()
            return local.map { ($0, listener.port) }
        } catch {
            return nil
        }
    }
}

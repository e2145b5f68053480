import Foundation
public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL
import SIPCore
import SIPTransaction
public import SIPTransport
public import Switch
import Synchronization

/// The running server: event loops, one engine per loop, the listeners. Used by `serve` and
/// started in-process by the tests.
public final class SIPServer: Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let gate: any IngressGate
    /// Authentication, registrar and caller identification; nil answers only for the server.
    public let callers: CallerServices?
    /// The Guard's part in the request path (scanner fingerprints, malformed-message events).
    public let defense: SourceDefense?
    /// The dial plan, the proxy, limits, money and call records; nil: identified callers'
    /// requests are answered 404.
    public let calls: CallServices?
    /// This server's metrics (`/metrics`): its own registry, fed by its transports and engines.
    public let metrics: ServerMetrics
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let state = Mutex(State())

    private struct State {
        var transport: SIPTransportServer?
        var engines: [ObjectIdentifier: NIOLoopBound<SIPEngine>] = [:]
        /// The same engines by loop index (`ActiveCall.ownerLoop`).
        var byIndex: [NIOLoopBound<SIPEngine>] = []
        var listeners: [SIPBoundListener] = []
    }

    /// - Parameter gate: decides, before parsing, which sources may send to the server
    ///   (intrusion prevention plugs in here); by default every source is admitted.
    public init(
        configuration: ServerConfiguration, logger: Logger, group: MultiThreadedEventLoopGroup? = nil,
        gate: any IngressGate = AdmitAllIngressGate(), callers: CallerServices? = nil, defense: SourceDefense? = nil,
        calls: CallServices? = nil, metrics: ServerMetrics = ServerMetrics()
    ) {
        self.calls = calls
        self.metrics = metrics
        metrics.watch(callers: callers, calls: calls)
        self.configuration = configuration
        self.logger = logger
        self.gate = gate
        self.callers = callers
        self.defense = defense
        if let group {
            self.group = group
            self.ownsGroup = false
        } else {
            self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads ?? System.coreCount)
            self.ownsGroup = true
        }
    }

    /// The listeners once started, with the ports they got.
    public var listeners: [SIPBoundListener] { state.withLock { $0.listeners } }

    /// Creates the engines, loads TLS, binds every listener. Throws (and leaves nothing
    /// running) when a listener cannot be bound or TLS cannot be loaded.
    @discardableResult
    public func start() async throws -> [SIPBoundListener] {
        let listenAddresses = configuration.effectiveListeners
        let identity = Self.identity(for: configuration, listening: listenAddresses)
        var engineConfiguration = SIPEngine.Configuration()
        engineConfiguration.limits = configuration.transport.limits
        engineConfiguration.forceRport = configuration.transport.forceRport
        engineConfiguration.transactions = .init(capacity: configuration.maxTransactions, timers: configuration.timers, sendsTrying: false)
        var responder = LocalResponder(identity: identity)
        responder.identity.serverHeader = configuration.serverHeader.isEmpty ? nil : configuration.serverHeader
        if callers != nil { responder.allowedMethods = [.options, .register] }
        let calls = self.calls

        var engines: [ObjectIdentifier: NIOLoopBound<SIPEngine>] = [:]
        let finalConfiguration = engineConfiguration
        let finalResponder = responder
        let callers = self.callers
        let defense = self.defense
        let engineMetrics = metrics.engine
        var byIndex: [NIOLoopBound<SIPEngine>] = []
        for (index, loop) in group.makeIterator().enumerated() {
            let logger = self.logger
            let bound = try await loop.submit {
                let engine = SIPEngine(
                    configuration: finalConfiguration, responder: finalResponder, logger: logger, callers: callers, defense: defense,
                    calls: calls, loopIndex: index, metrics: engineMetrics)
                engine.start(on: loop)
                return NIOLoopBound(engine, eventLoop: loop)
            }.get()
            engines[ObjectIdentifier(loop)] = bound
            byIndex.append(bound)
        }
        let tls = try configuration.tlsCertificatePath.map { certificate in
            try Self.tlsContext(certificate: certificate, privateKey: configuration.tlsPrivateKeyPath ?? "")
        }
        let lookup = engines
        let transport = SIPTransportServer(
            group: group, configuration: configuration.transport, tls: tls, gate: gate, metrics: metrics.traffic, logger: logger,
            processorFor: { loop in lookup[ObjectIdentifier(loop)]!.value })
        let indexed = byIndex
        state.withLock {
            $0.transport = transport
            $0.engines = engines
            $0.byIndex = indexed
        }
        do {
            let bound = try await transport.start(listenAddresses)
            state.withLock { $0.listeners = bound }
            if let calls {
                Self.installProxyNetwork(calls.network, listeners: bound, domains: configuration.domains, transport: transport, engines: byIndex)
            }
            return bound
        } catch {
            await shutdown()
            throw error
        }
    }

    /// Closes the listeners and connections, stops the engines' timers, and shuts the event
    /// loops down if this server created them.
    public func shutdown() async {
        let (transport, engines) = state.withLock { state in
            defer {
                state.transport = nil
                state.engines = [:]
                state.byIndex = []
            }
            return (state.transport, state.engines)
        }
        await transport?.stop()
        for (_, bound) in engines {
            try? await bound.eventLoop.submit { bound.value.stop() }.get()
        }
        if ownsGroup {
            try? await group.shutdownGracefully()
        }
    }

    /// The engines' counters added up.
    public func statistics() async -> EngineStatistics {
        let engines = state.withLock { Array($0.engines.values) }
        var total = EngineStatistics()
        for bound in engines {
            guard let stats = try? await bound.eventLoop.submit({ bound.value.statistics }).get() else { continue }
            total.add(stats)
        }
        return total
    }

    /// Ends every live call of an account from the switch's side (see `SIPEngine.stopCall`),
    /// each on the event loop that owns it; returns how many were ended.
    @discardableResult
    public func stopCalls(accountId: Int64, reason: String, cause: HangupCause = .accountBlocked) async -> Int {
        guard let calls else { return 0 }
        let engines = state.withLock { $0.byIndex }
        var stopped = 0
        for (callID, ownerLoop) in calls.registry.liveCalls(accountId: accountId) where engines.indices.contains(ownerLoop) {
            let bound = engines[ownerLoop]
            let done = try? await bound.eventLoop.submit {
                bound.value.stopCall(callID, reason: reason, cause: cause)
            }.get()
            if done == true { stopped += 1 }
        }
        return stopped
    }

    /// Hangs up both parties of calls the switch carried before it last stopped without
    /// ending them (a crash), from the first event loop's engine.
    public func hangUp(orphans: [OrphanDialog], reason: String = "server restarted") async {
        guard !orphans.isEmpty, let bound = state.withLock({ $0.byIndex.first }) else { return }
        try? await bound.eventLoop.submit {
            for dialog in orphans { bound.value.hangUpOrphan(dialog, reason: reason) }
        }.get()
    }

    /// A sender on the open TCP/TLS connection from `remote` (see
    /// `SIPTransportServer.sender(onConnectionFrom:)`).
    public func sender(onConnectionFrom remote: SocketAddress) -> SIPReplySender? {
        state.withLock { $0.transport }?.sender(onConnectionFrom: remote)
    }

    /// A sender on the server's own UDP socket toward `destination` (see
    /// `SIPTransportServer.udpSender(toward:)`).
    public func udpSender(toward destination: SocketAddress) -> SIPReplySender? {
        state.withLock { $0.transport }?.udpSender(toward: destination)
    }

    /// Open TCP/TLS connections.
    public var connectionCount: Int { state.withLock { $0.transport?.connections.count ?? 0 } }

    /// Tells the proxy its own addresses (for Via and Record-Route), how to reach a party,
    /// and how to hand an answer to the loop whose transaction waits for it.
    static func installProxyNetwork(
        _ network: ProxyNetwork, listeners: [SIPBoundListener], domains: [String], transport: SIPTransportServer,
        engines: [NIOLoopBound<SIPEngine>]
    ) {
        var addresses: [ProxyNetwork.AddressKey: ProxyNetwork.OwnAddress] = [:]
        for listener in listeners {
            let ipv6 = listener.address.isIPv6
            let key = ProxyNetwork.AddressKey(transport: listener.transport, ipv6: ipv6)
            guard addresses[key] == nil, let host = advertisedHost(listener.address, domains: domains) else { continue }
            addresses[key] = ProxyNetwork.OwnAddress(host: host, port: listener.port)
        }
        network.install(
            addresses: addresses,
            sender: { endpoint, loop in
                switch endpoint.transport {
                case .udp: return transport.udpSender(toward: endpoint.address, preferring: loop)
                case .tcp, .tls: return transport.sender(onConnectionFrom: endpoint.address)
                }
            },
            delivery: { index, response, _ in
                guard engines.indices.contains(index) else { return }
                let bound = engines[index]
                bound.eventLoop.execute { bound.value.receiveTransactionResponse(response) }
            })
    }

    /// The address written in Via and Record-Route for a listener: its own, or for a
    /// wildcard listener the first configured domain, else the first interface address of
    /// its family that is not loopback.
    static func advertisedHost(_ address: SocketAddress, domains: [String]) -> String? {
        guard let ip = address.ipAddress else { return nil }
        guard ip == "0.0.0.0" || ip == "::" else { return ip }
        if let domain = domains.first { return domain }
        let wantsIPv6 = ip == "::"
        let devices = (try? System.enumerateDevices()) ?? []
        return devices.compactMap(\.address).first { candidate in
            guard let text = candidate.ipAddress else { return false }
            return candidate.isIPv6 == wantsIPv6 && text != "127.0.0.1" && text != "::1" && !text.hasPrefix("fe80")
        }?.ipAddress ?? (wantsIPv6 ? "::1" : "127.0.0.1")
    }

    static func identity(for configuration: ServerConfiguration, listening: [SIPListenAddress]) -> ServerIdentity {
        var hosts = configuration.domains + listening.map(\.host)
        // A wildcard listener answers on every interface address.
        if listening.contains(where: { $0.host == "0.0.0.0" || $0.host == "::" }),
            let devices = try? System.enumerateDevices()
        {
            hosts += devices.compactMap { $0.address?.ipAddress }
        }
        return ServerIdentity(hosts: hosts)
    }

    static func tlsContext(certificate: String, privateKey: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: tls)
    }
}

extension EngineStatistics {
    mutating func add(_ other: EngineStatistics) {
        requests += other.requests
        responsesSent += other.responsesSent
        for (status, count) in other.answersByStatus { answersByStatus[status, default: 0] += count }
        malformedAnswered += other.malformedAnswered
        malformedDropped += other.malformedDropped
        strayResponses += other.strayResponses
        absorbed += other.absorbed
        refusedForCapacity += other.refusedForCapacity
        scannersSeen += other.scannersSeen
        scannersDropped += other.scannersDropped
        refusedBanned += other.refusedBanned
        forged += other.forged
    }
}

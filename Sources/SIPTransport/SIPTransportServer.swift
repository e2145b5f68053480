public import Logging
public import NIOCore
import NIOPosix
public import NIOSSL
import SIPCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A listener after binding: the transport and the address it actually got (port 0 resolved).
public struct SIPBoundListener: Sendable, CustomStringConvertible {
    public let transport: SIPTransportKind
    public let address: SocketAddress
    public var port: Int { address.port ?? 0 }
    public var description: String { "\(transport):\(address.displayText)" }
}

/// Why a connection was turned away at accept.
struct ConnectionRefused: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The SIP listeners: UDP sockets (one per event loop and address, SO_REUSEPORT, recvmmsg),
/// TCP and TLS servers with the connection table. Thin: everything read goes to the
/// processor of the channel's event loop.
public final class SIPTransportServer: Sendable {
    public typealias ProcessorProvider = @Sendable (any EventLoop) -> any SIPInboundProcessor

    public let configuration: SIPTransportConfiguration
    public let connections: ConnectionTable
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?
    private let gate: any IngressGate
    private let processorFor: ProcessorProvider
    private let metrics: (any SIPTrafficMetrics)?
    private let logger: Logger
    private let channels = Mutex<[any Channel]>([])
    /// The UDP sockets, for requests the server sends itself (outbound registration).
    private let udpChannels = Mutex<[any Channel]>([])

    /// - Parameter metrics: counts the datagrams and stream messages read and written; nil:
    ///   nothing is counted (and no counting handler is put in the pipelines).
    public init(
        group: any EventLoopGroup, configuration: SIPTransportConfiguration, tls: NIOSSLContext?,
        gate: any IngressGate = AdmitAllIngressGate(), metrics: (any SIPTrafficMetrics)? = nil, logger: Logger,
        processorFor: @escaping ProcessorProvider
    ) {
        self.metrics = metrics
        self.group = group
        self.configuration = configuration
        self.tls = tls
        self.gate = gate
        self.logger = logger
        self.processorFor = processorFor
        self.connections = ConnectionTable(
            maxPerIP: configuration.maxConnectionsPerIP, maxTotal: configuration.maxConnections, ipv6PrefixLength: configuration.ipv6PrefixLength)
    }

    public struct StartError: Error, CustomStringConvertible {
        public let listener: SIPListenAddress
        public let reason: String
        public var description: String { "cannot listen on \(listener): \(reason)" }
    }

    /// A sender on the open TCP/TLS connection from `remote`, for a request to that peer: a
    /// phone behind NAT or a firewall can only be reached on the connection it opened (RFC
    /// 3261 §18.1.1 reuses it for responses, RFC 5626 for requests too). Nil when there is
    /// none; the proxy opens one then.
    public func sender(onConnectionFrom remote: SocketAddress) -> SIPReplySender? {
        connections.connection(to: remote).map { SIPReplySender(channel: $0, destination: nil) }
    }

    /// A sender on one of the server's own UDP sockets of `destination`'s address family, for
    /// a request the server originates over UDP: it leaves from the listening port, so the
    /// peer's answers (and its view of our address) come back to it. Nil without such a socket.
    ///
    /// - Parameter loop: the event loop asking; its own socket is preferred, so the write
    ///   does not cross threads.
    public func udpSender(toward destination: SocketAddress, preferring loop: (any EventLoop)? = nil) -> SIPReplySender? {
        let wantsIPv6 = destination.isIPv6
        let channel = udpChannels.withLock { channels -> (any Channel)? in
            let family = channels.filter { $0.localAddress?.isIPv6 == wantsIPv6 }
            if let loop, let own = family.first(where: { $0.eventLoop === loop }) { return own }
            return family.first
        }
        return channel.map { SIPReplySender(channel: $0, destination: destination) }
    }

    /// A socket error as the system words it ("Address already in use"), without NIO's
    /// internal call names.
    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        return "\(error)"
    }

    /// Binds every listener; on any failure, closes those already bound and throws.
    public func start(_ listeners: [SIPListenAddress]) async throws -> [SIPBoundListener] {
        var bound: [SIPBoundListener] = []
        do {
            for listener in listeners {
                switch listener.transport {
                case .udp:
                    bound.append(try await bindUDP(listener))
                case .tcp, .tls:
                    if listener.transport == .tls && tls == nil {
                        throw StartError(listener: listener, reason: "TLS needs a certificate and a private key (tls.certificate, tls.private_key)")
                    }
                    bound.append(try await bindStream(listener))
                }
            }
        } catch let error as StartError {
            await stop()
            throw error
        } catch {
            await stop()
            throw StartError(listener: listeners[bound.count], reason: Self.reason(error))
        }
        return bound
    }

    /// Closes the listeners, then every open connection.
    public func stop() async {
        let listening = channels.withLock { channels in
            defer { channels.removeAll() }
            return channels
        }
        udpChannels.withLock { $0.removeAll() }
        for channel in listening {
            try? await channel.close()
        }
        for connection in connections.channels {
            try? await connection.close()
        }
    }

    private func remember(_ channel: any Channel) {
        channels.withLock { $0.append(channel) }
    }

    // MARK: - UDP

    private func bindUDP(_ listener: SIPListenAddress) async throws -> SIPBoundListener {
        let loops = Array(group.makeIterator())
        let count = min(configuration.udpSocketsPerAddress ?? loops.count, max(loops.count, 1) * 4)
        var port = listener.port
        if count > 1 {
            // SO_REUSEPORT lets any process of the same user join the group and take a share
            // of the traffic, so a second server would start without a word. A plain socket
            // bound first fails if anyone holds the port, and picks the port when 0 is asked.
            let probe = try await DatagramBootstrap(group: loops[0]).bind(host: listener.host, port: port).get()
            port = probe.localAddress?.port ?? port
            try await probe.close()
        }
        var firstAddress: SocketAddress?
        for index in 0..<count {
            let channel = try await udpBootstrap(on: loops[index % loops.count], shared: count > 1)
                .bind(host: listener.host, port: port).get()
            remember(channel)
            udpChannels.withLock { $0.append(channel) }
            if firstAddress == nil {
                firstAddress = channel.localAddress
                port = channel.localAddress?.port ?? port  // later sockets share the chosen port
            }
        }
        guard let address = firstAddress else {
            throw StartError(listener: listener, reason: "no UDP socket bound")
        }
        logger.info("listening", metadata: ["transport": "udp", "address": "\(address.displayText)", "sockets": "\(count)"])
        return SIPBoundListener(transport: .udp, address: address)
    }

    private func udpBootstrap(on loop: any EventLoop, shared: Bool) -> DatagramBootstrap {
        let gate = self.gate
        let processorFor = self.processorFor
        let metrics = self.metrics
        let slots = configuration.udpVectorReadCount
        // No SO_REUSEADDR: on UDP it would let another socket bind the same port and take the
        // traffic (TIME_WAIT, its purpose, is TCP's).
        return DatagramBootstrap(group: loop)
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: shared ? 1 : 0)
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.udpReceiveBufferSize))
            .channelOption(.datagramVectorReadMessageCount, value: slots)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: slots * configuration.udpMaxDatagramSize))
            .channelOption(.maxMessagesPerRead, value: 4)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(UDPInboundHandler(gate: gate, processor: processorFor(channel.eventLoop), metrics: metrics))
                    if let metrics { try pipeline.addHandler(SentCountingHandler(transport: .udp, metrics: metrics)) }
                }
            }
    }

    // MARK: - TCP and TLS

    private func bindStream(_ listener: SIPListenAddress) async throws -> SIPBoundListener {
        let channel = try await streamBootstrap(transport: listener.transport)
            .bind(host: listener.host, port: listener.port).get()
        remember(channel)
        guard let address = channel.localAddress else {
            throw StartError(listener: listener, reason: "no local address")
        }
        logger.info("listening", metadata: ["transport": "\(listener.transport)", "address": "\(address.displayText)"])
        return SIPBoundListener(transport: listener.transport, address: address)
    }

    private func streamBootstrap(transport: SIPTransportKind) -> ServerBootstrap {
        let gate = self.gate
        let processorFor = self.processorFor
        let metrics = self.metrics
        let table = self.connections
        let configuration = self.configuration
        let tls = transport == .tls ? self.tls : nil
        let logger = self.logger
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let remote = channel.remoteAddress else {
                        throw ConnectionRefused(reason: "no remote address")
                    }
                    guard gate.admitsConnection(from: remote, transport: transport) else {
                        throw ConnectionRefused(reason: "refused by the ingress gate")
                    }
                    switch table.admit(channel, remote: remote) {
                    case .admitted: break
                    case .refusedPerIP:
                        logger.notice("connection refused: per-IP limit", metadata: ["remote": "\(remote.displayText)", "limit": "\(table.maxPerIP)"])
                        throw ConnectionRefused(reason: "per-IP connection limit")
                    case .refusedTotal:
                        logger.warning("connection refused: connection limit", metadata: ["remote": "\(remote.displayText)", "limit": "\(table.maxTotal)"])
                        throw ConnectionRefused(reason: "connection limit")
                    }
                    channel.closeFuture.whenComplete { _ in table.release(remote: remote) }
                    let watch = StreamAssemblyWatch(timeout: TimeAmount(configuration.messageAssemblyTimeout))
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLServerHandler(context: tls))
                        try pipeline.addHandler(TLSHandshakeTimeoutHandler(timeout: TimeAmount(configuration.tlsHandshakeTimeout)))
                    }
                    try pipeline.addHandler(StreamAssemblyGuardHandler(watch: watch))
                    try pipeline.addHandler(
                        ByteToMessageHandler(
                            SIPStreamDecoder(limits: configuration.limits),
                            maximumBufferSize: configuration.limits.maxMessageSize * 2))
                    try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(configuration.idleTimeout)))
                    try pipeline.addHandler(
                        StreamConnectionHandler(
                            processor: processorFor(channel.eventLoop), gate: gate, watch: watch, transport: transport, metrics: metrics))
                    if let metrics { try pipeline.addHandler(SentCountingHandler(transport: transport, metrics: metrics)) }
                }
            }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

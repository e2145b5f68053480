public import SIPCore

/// Transport settings. Every default is safe for a server on the public internet.
public struct SIPTransportConfiguration: Sendable, Hashable {
    /// Datagrams read per recvmmsg system call.
    public var udpVectorReadCount: Int = 16
    /// The largest datagram read whole; a longer one is cut and then refused by the parser.
    /// RFC 3261 §18.1.1 sends anything near the path MTU over TCP, so 9,216 bytes (a jumbo
    /// frame) is ample; raise it to 65,535 to accept any datagram, at 64 KiB of buffer per slot.
    public var udpMaxDatagramSize: Int = 9_216
    /// SO_RCVBUF of each UDP socket, in bytes: room for a burst while the event loop is busy
    /// or descheduled (at 20,000 requests/s the 208 KiB Linux default holds about 7 ms). The
    /// kernel caps it at net.core.rmem_max.
    public var udpReceiveBufferSize: Int = 4 * 1024 * 1024
    /// UDP sockets per listen address, each on its own event loop (SO_REUSEPORT); nil means
    /// one per event loop.
    public var udpSocketsPerAddress: Int?
    /// Reply to the source address and port of a UDP request even without `rport`, so that no
    /// address written inside a message can redirect the reply (RFC 3581 behaviour for all).
    public var forceRport: Bool = true
    /// A TCP/TLS connection with nothing read for this long is closed.
    public var idleTimeout: Duration = .seconds(600)
    /// A message that has started must be complete within this time, or the connection is
    /// closed (defeats peers that trickle bytes to hold connections open).
    public var messageAssemblyTimeout: Duration = .seconds(10)
    /// TLS handshakes must complete within this time.
    public var tlsHandshakeTimeout: Duration = .seconds(10)
    /// Open TCP/TLS connections from one source IP (an IPv6 source counted by its
    /// `ipv6PrefixLength` prefix).
    public var maxConnectionsPerIP: Int = 32
    /// IPv6 sources are counted against `maxConnectionsPerIP` by this prefix, as the Guard
    /// counts offenders: whoever holds one address holds its /64, and must not fill the
    /// server with it.
    public var ipv6PrefixLength: Int = 64
    /// Open TCP/TLS connections in total.
    public var maxConnections: Int = 10_000
    /// Parser limits; on streams, `maxMessageSize` also bounds each connection's buffer.
    public var limits: ParserLimits = .default

    public init() {}

    /// Problems with these values; empty when they are usable.
    public var problems: [String] {
        var problems = limits.problems
        if udpVectorReadCount < 1 || udpVectorReadCount > 256 { problems.append("udp vector read count must be 1-256") }
        if udpMaxDatagramSize < 512 || udpMaxDatagramSize > 65_535 { problems.append("udp max datagram size must be 512-65535") }
        if udpReceiveBufferSize < 65_536 || udpReceiveBufferSize > 268_435_456 { problems.append("udp receive buffer size must be 65536-268435456") }
        if let count = udpSocketsPerAddress, count < 1 || count > 256 { problems.append("udp sockets per address must be 1-256") }
        if idleTimeout <= .zero { problems.append("idle timeout must be positive") }
        if messageAssemblyTimeout <= .zero { problems.append("message assembly timeout must be positive") }
        if tlsHandshakeTimeout <= .zero { problems.append("TLS handshake timeout must be positive") }
        if maxConnectionsPerIP < 1 { problems.append("max connections per IP must be positive") }
        if maxConnections < 1 { problems.append("max connections must be positive") }
        return problems
    }
}

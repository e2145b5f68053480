/// The transports SIPWarden listens on (RFC 3261 §18).
public enum SIPTransportKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case udp, tcp, tls

    /// TCP and TLS deliver bytes reliably and in order: no retransmission timers
    /// (RFC 3261 §17.1.1.2, §17.2.1).
    public var isReliable: Bool { self != .udp }

    /// The transport token in a Via header (RFC 3261 §20.42).
    public var viaToken: String { rawValue.uppercased() }

    /// The default port (RFC 3261 §19.1.2: 5060, and 5061 for TLS).
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }

    public var description: String { rawValue }
}

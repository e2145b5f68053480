public import NIOCore

/// What the ingress gate decides about a datagram or a new connection.
public enum IngressDecision: Sendable, Hashable {
    case admit
    /// Drop the datagram or refuse the connection, with no answer.
    case drop
}

/// Runs before anything is parsed, on the source address alone, for every datagram and every
/// new TCP/TLS connection. Intrusion prevention plugs in here so that a banned source costs
/// one lookup and nothing more.
///
/// Called on event-loop threads, concurrently: implementations must be fast and thread-safe.
public protocol IngressGate: Sendable {
    func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision
}

/// The default gate: every source is admitted.
public struct AdmitAllIngressGate: IngressGate {
    public init() {}
    public func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision { .admit }
}

public import NIOCore

/// What the ingress gate decides about a datagram or a message read from a stream.
public enum IngressDecision: Sendable, Hashable {
    case admit
    /// Drop it with no answer (on a stream: close the connection).
    case drop
    /// Answer 403 without looking further (a banned source, when the operator prefers an
    /// answer to silence; the gate rate-limits these).
    case refuse
}

/// Runs before anything is parsed, on the source address alone, for every datagram, every
/// message read from a stream and every new TCP/TLS connection. Intrusion prevention plugs in
/// here so that a banned source costs one lookup and nothing more.
///
/// Called on event-loop threads, concurrently: implementations must be fast and thread-safe.
public protocol IngressGate: Sendable {
    /// A datagram, or a message read from a stream.
    func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision
    /// A new TCP or TLS connection: refused (closed at once) when false.
    func admitsConnection(from source: SocketAddress, transport: SIPTransportKind) -> Bool
}

/// The default gate: every source is admitted.
public struct AdmitAllIngressGate: IngressGate {
    public init() {}
    public func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision { .admit }
    public func admitsConnection(from source: SocketAddress, transport: SIPTransportKind) -> Bool { true }
}

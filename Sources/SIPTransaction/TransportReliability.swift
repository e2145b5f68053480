/// Whether the transport under a transaction delivers messages reliably.
///
/// Retransmission timers (A, E, G) run only over unreliable transports, and the timers that
/// absorb stray retransmissions (D, I, J, K) are zero over reliable ones: a reliable
/// transport retransmits for us (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
public enum TransportReliability: Sendable, Hashable, CustomStringConvertible {
    /// TCP, TLS, SCTP, WebSocket.
    case reliable
    /// UDP.
    case unreliable

    public var description: String { self == .reliable ? "reliable" : "unreliable" }
}

/// The timers of RFC 3261 §17 (Table 4) and RFC 6026 §8.11.
public enum TransactionTimer: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// INVITE client: request retransmission, doubling (§17.1.1.2).
    case a = "A"
    /// INVITE client: transaction timeout, 64·T1 (§17.1.1.2).
    case b = "B"
    /// INVITE client: wait for response retransmissions in Completed (§17.1.1.2).
    case d = "D"
    /// Non-INVITE client: request retransmission, doubling up to T2 (§17.1.2.2).
    case e = "E"
    /// Non-INVITE client: transaction timeout, 64·T1 (§17.1.2.2).
    case f = "F"
    /// INVITE server: final response retransmission, doubling up to T2 (§17.2.1).
    case g = "G"
    /// INVITE server: wait for ACK, 64·T1 (§17.2.1).
    case h = "H"
    /// INVITE server: absorb ACK retransmissions in Confirmed (§17.2.1).
    case i = "I"
    /// Non-INVITE server: absorb request retransmissions in Completed (§17.2.2).
    case j = "J"
    /// Non-INVITE client: absorb response retransmissions in Completed (§17.1.2.2).
    case k = "K"
    /// INVITE server: absorb INVITE retransmissions in Accepted, 64·T1 (RFC 6026 §7.1).
    case l = "L"
    /// INVITE client: pass 2xx retransmissions up in Accepted, 64·T1 (RFC 6026 §7.2).
    case m = "M"

    public var description: String { "Timer \(rawValue)" }
}

/// A timer that is armed, and when it fires.
public struct ScheduledTimer: Sendable, Hashable, CustomStringConvertible {
    public let timer: TransactionTimer
    public let deadline: SIPInstant

    public init(_ timer: TransactionTimer, at deadline: SIPInstant) {
        self.timer = timer
        self.deadline = deadline
    }

    public var description: String { "\(timer) at \(deadline)" }
}

extension TransactionTimer {
    /// Whether the timer re-sends a message rather than ending a state.
    var isRetransmission: Bool { self == .a || self == .e || self == .g }
}

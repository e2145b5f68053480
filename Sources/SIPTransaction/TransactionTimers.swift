/// T1, T2 and T4 and the transaction timers derived from them (RFC 3261 §17, Table 4;
/// RFC 6026 §8.11 for L and M).
///
/// T1 is the round-trip estimate, T2 the longest retransmission interval for non-INVITE
/// requests and INVITE responses, T4 how long a message may linger in the network. RFC 3261
/// §17.1.1.1 lets T1 be changed (smaller in closed networks, larger on slow links); every
/// timeout follows it as 64·T1.
public struct TransactionTimers: Sendable, Hashable, CustomStringConvertible {
    /// Why a set of values was refused.
    public enum ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// T1 must be at least one nanosecond (the resolution of `SIPInstant`).
        case t1NotPositive
        /// T2 caps a doubling that starts at T1, so it may not be below T1 (§17.1.2.2).
        case t2BelowT1
        /// T4 must be at least one nanosecond.
        case t4NotPositive
        /// A value above `TransactionTimers.maximum`.
        case tooLong

        public var description: String {
            switch self {
            case .t1NotPositive: return "T1 must be positive"
            case .t2BelowT1: return "T2 must not be below T1"
            case .t4NotPositive: return "T4 must be positive"
            case .tooLong: return "T1, T2 and T4 may be at most \(TransactionTimers.maximum)"
            }
        }
    }

    /// The longest T1, T2 or T4 accepted. Not an RFC limit: it keeps 64·T1 and every deadline
    /// far inside `SIPInstant`'s range, and no network needs a round trip of an hour.
    public static let maximum: Duration = .seconds(3600)

    /// RFC 3261's values: T1 = 500 ms, T2 = 4 s, T4 = 5 s.
    public static let rfc3261 = TransactionTimers(checked: .milliseconds(500), .seconds(4), .seconds(5))

    public let t1: Duration
    public let t2: Duration
    public let t4: Duration

    public init(
        t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)
    ) throws(ValidationError) {
        guard t1 >= .nanoseconds(1) else { throw .t1NotPositive }
        guard t2 >= t1 else { throw .t2BelowT1 }
        guard t4 >= .nanoseconds(1) else { throw .t4NotPositive }
        guard t1 <= Self.maximum, t2 <= Self.maximum, t4 <= Self.maximum else { throw .tooLong }
        self.init(checked: t1, t2, t4)
    }

    private init(checked t1: Duration, _ t2: Duration, _ t4: Duration) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// Timer A's first interval: T1, doubling after each retransmission (§17.1.1.2).
    public var timerA: Duration { t1 }
    /// Timer B: 64·T1 (§17.1.1.2).
    public var timerB: Duration { t1 * 64 }
    /// Timer E's first interval: T1, doubling up to T2 (§17.1.2.2).
    public var timerE: Duration { t1 }
    /// Timer F: 64·T1 (§17.1.2.2).
    public var timerF: Duration { t1 * 64 }
    /// Timer G's first interval: T1, doubling up to T2 (§17.2.1).
    public var timerG: Duration { t1 }
    /// Timer H: 64·T1 (§17.2.1).
    public var timerH: Duration { t1 * 64 }
    /// Timer L: 64·T1 (RFC 6026 §7.1).
    public var timerL: Duration { t1 * 64 }
    /// Timer M: 64·T1 (RFC 6026 §7.2).
    public var timerM: Duration { t1 * 64 }

    /// Timer D: zero over a reliable transport; otherwise "at least 32 seconds" (§17.1.1.2),
    /// and never shorter than the server's Timer H (64·T1), during which the server may still
    /// retransmit the final response this timer is there to absorb.
    public func timerD(_ reliability: TransportReliability) -> Duration {
        reliability == .reliable ? .zero : max(.seconds(32), t1 * 64)
    }

    /// Timer I: T4 over an unreliable transport, zero over a reliable one (§17.2.1).
    public func timerI(_ reliability: TransportReliability) -> Duration {
        reliability == .reliable ? .zero : t4
    }

    /// Timer J: 64·T1 over an unreliable transport, zero over a reliable one (§17.2.2).
    public func timerJ(_ reliability: TransportReliability) -> Duration {
        reliability == .reliable ? .zero : t1 * 64
    }

    /// Timer K: T4 over an unreliable transport, zero over a reliable one (§17.1.2.2).
    public func timerK(_ reliability: TransportReliability) -> Duration {
        reliability == .reliable ? .zero : t4
    }

    /// A timer's (first) duration over `reliability`. The retransmission timers A, E and G
    /// do not run over reliable transports (§17.1.1.2, §17.1.2.2, §17.2.1): nil there.
    public func duration(of timer: TransactionTimer, over reliability: TransportReliability) -> Duration? {
        switch timer {
        case .a, .e, .g: return reliability == .reliable ? nil : t1
        case .b: return timerB
        case .d: return timerD(reliability)
        case .f: return timerF
        case .h: return timerH
        case .i: return timerI(reliability)
        case .j: return timerJ(reliability)
        case .k: return timerK(reliability)
        case .l: return timerL
        case .m: return timerM
        }
    }

    public var description: String { "T1=\(t1) T2=\(t2) T4=\(t4)" }
}

/// The timers a transaction has armed. Every machine of RFC 3261 §17 runs at most two at
/// once: a retransmission timer (A, E or G) and the timer that ends the current state
/// (B, D, F, H, I, J, K, L or M).
struct ArmedTimers: Sendable, Hashable {
    var retransmission: RetransmissionTimer?
    var stateTimer: ScheduledTimer?

    /// The timer to fire first. At equal instants the state timer wins: a message is not
    /// re-sent at the very instant the transaction gives up on it (or stops absorbing).
    var next: ScheduledTimer? {
        guard let retransmission = retransmission?.scheduled else { return stateTimer }
        guard let stateTimer else { return retransmission }
        return stateTimer.deadline <= retransmission.deadline ? stateTimer : retransmission
    }

    /// The earliest deadline, nil when nothing is armed.
    var nextDeadline: SIPInstant? { next?.deadline }

    /// Every armed timer in firing order.
    var pending: [ScheduledTimer] {
        guard let first = next else { return [] }
        let other = first.timer.isRetransmission ? stateTimer : retransmission?.scheduled
        return other.map { [first, $0] } ?? [first]
    }

    mutating func arm(_ timer: TransactionTimer, at deadline: SIPInstant) {
        stateTimer = ScheduledTimer(timer, at: deadline)
    }

    mutating func cancelAll() {
        retransmission = nil
        stateTimer = nil
    }
}

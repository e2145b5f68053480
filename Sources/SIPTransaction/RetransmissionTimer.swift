/// A retransmission timer (A, E or G): armed at T1 and backed off after each firing.
///
/// The next deadline is counted from the instant the timer was due, not from when the owner
/// got round to firing it, so the schedule is exactly T1, 3·T1, 7·T1… from the start
/// (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1) however late the owner's clock ticks.
struct RetransmissionTimer: Sendable, Hashable {
    let timer: TransactionTimer
    private(set) var deadline: SIPInstant
    private(set) var interval: Duration

    init(_ timer: TransactionTimer, start: SIPInstant, interval: Duration) {
        self.timer = timer
        self.deadline = start + interval
        self.interval = interval
    }

    /// Doubles the interval, up to `cap` when there is one, and re-arms.
    mutating func backOff(cap: Duration?) {
        let doubled = interval * 2
        interval = cap.map { min(doubled, $0) } ?? doubled
        deadline = deadline + interval
    }

    /// Re-arms with a fixed interval.
    mutating func repeatAfter(_ interval: Duration) {
        self.interval = interval
        deadline = deadline + interval
    }

    var scheduled: ScheduledTimer { ScheduledTimer(timer, at: deadline) }
}

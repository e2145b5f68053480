/// Timer E of a non-INVITE client transaction over UDP (RFC 3261 §17.1.2.2): the request is
/// sent again at T1, then at doubling intervals capped at T2; once a provisional response
/// has arrived (Proceeding), every T2. Times are Unix milliseconds.
struct RetransmissionSchedule: Sendable, Equatable {
    private(set) var nextAt: Int64
    private var interval: Int64
    private var proceeding = false
    private let t2: Int64

    init(sentAt: Int64, t1: Int64, t2: Int64) {
        nextAt = sentAt + t1
        interval = t1
        self.t2 = t2
    }

    /// A 1xx arrived: the doubling stops at T2 (§17.1.2.2, Proceeding).
    mutating func provisionalReceived() {
        proceeding = true
    }

    /// Moves past every firing due at `now`; true when one or more were due (the request is
    /// sent once however late the tick came: a burst would only flood the provider).
    mutating func fire(now: Int64) -> Bool {
        guard nextAt <= now else { return false }
        while nextAt <= now {
            interval = proceeding ? t2 : min(interval * 2, t2)
            nextAt += interval
        }
        return true
    }
}

import UnixTime
/// The sliding windows of the monitors. Each is kept in slots of a fixed length (a call or a
/// cost lands in the slot of its time), which keeps memory small and fixed per window while
/// every figure stays an exact sum of what happened: nothing decays, nothing is estimated.
///
/// Why slots rather than each event's own time: a month of an account's calls would
/// otherwise be a month of timestamps. The price is at the far edge: an event counts for at
/// least the whole period and less than one slot longer. The edge leans that way on purpose:
/// a fraud monitor may remember a cost a little long, never forget it early.
///
/// | period | window | slot | an event counts for |
/// |---|---|---|---|
/// | minute | 60 s | 1 s | 60 s, up to 61 s |
/// | hour | 60 min | 1 min | 60 min, up to 61 min |
/// | day | 24 h | 10 min | 24 h, up to 24 h 10 min |
/// | month | 30 days | 6 h | 30 days, up to 30 days 6 h |
///
/// A month is 30 days, not the calendar month: a sliding window has no first of the month,
/// and fraud at the turn of a month must not start from nothing.
public enum FraudPeriod: String, Sendable, Hashable, CaseIterable {
    case minute, hour, day, month

    public var spanMillis: Int64 {
        switch self {
        case .minute: 60_000
        case .hour: 3_600_000
        case .day: 86_400_000
        case .month: 30 * 86_400_000
        }
    }

    public var slotMillis: Int64 {
        switch self {
        case .minute: 1_000
        case .hour: 60_000
        case .day: 600_000
        case .month: 6 * 3_600_000
        }
    }

    /// The longest an event can count (exclusive): the span and one slot.
    public var longestMillis: Int64 { spanMillis + slotMillis }

    /// The slot a time falls in.
    func slot(of time: Int64) -> Int64 {
        UnixTime.floorDivide(time, by: slotMillis)
    }

    /// The oldest slot still counted at `now`: the current slot and the whole span before it.
    func oldestSlot(at now: Int64) -> Int64 {
        UnixTime.subtracting(slot(of: now), spanMillis / slotMillis)
    }

    /// "the last hour", for alerts.
    public var phrase: String {
        switch self {
        case .minute: "the last minute"
        case .hour: "the last hour"
        case .day: "the last 24 hours"
        case .month: "the last 30 days"
        }
    }
}

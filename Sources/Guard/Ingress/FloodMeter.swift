/// Requests per source over a sliding window, approximated with two fixed windows (the
/// current one and the one before, weighted by how much of it still overlaps): O(1) per
/// packet and two small integers per source. Memory is bounded: a window tracks at most
/// `capacity` sources; beyond that, new sources go uncounted until the next window rather
/// than growing the table (a spoofed flood cannot exhaust memory; its sources are dropped
/// by no ban anyway).
struct FloodMeter: Sendable {
    struct Counts: Sendable {
        var requests: UInt32 = 0
        var tripped = false
    }

    let windowNanoseconds: UInt64
    let capacity: Int
    private var period: UInt64 = 0
    private var current: [AddressKey: Counts] = [:]
    private var previous: [AddressKey: Counts] = [:]
    private(set) var uncounted = 0

    init(windowSeconds: Int, capacity: Int) {
        self.windowNanoseconds = UInt64(max(1, windowSeconds)) * 1_000_000_000
        self.capacity = capacity
    }

    enum Outcome: Equatable {
        case under
        /// The limit was crossed by this packet (report it once).
        case tripped(estimate: Int)
        /// Already over the limit in this window.
        case over
    }

    /// Counts one request from `key` at `now` against `limit` requests per window.
    mutating func count(_ key: AddressKey, now: UInt64, limit: Int) -> Outcome {
        rotate(now: now)
        var counts: Counts
        if let existing = current[key] {
            counts = existing
        } else {
            guard current.count < capacity else {
                uncounted += 1
                return .under
            }
            counts = Counts()
        }
        counts.requests &+= 1
        let elapsed = Double(now % windowNanoseconds) / Double(windowNanoseconds)
        let estimate = Double(counts.requests) + Double(previous[key]?.requests ?? 0) * (1 - elapsed)
        var outcome = Outcome.under
        if estimate > Double(limit) {
            // Reported once per window: a flood that goes on is reported again every window,
            // which the engine ignores while the ban it caused is in place.
            outcome = counts.tripped ? .over : .tripped(estimate: Int(estimate))
            counts.tripped = true
        }
        current[key] = counts
        return outcome
    }

    private mutating func rotate(now: UInt64) {
        let nowPeriod = now / windowNanoseconds
        guard nowPeriod != period else { return }
        if nowPeriod == period + 1 {
            previous = current
        } else {
            previous.removeAll(keepingCapacity: true)
        }
        current.removeAll(keepingCapacity: true)
        period = nowPeriod
    }

    var trackedSources: Int { current.count }
}

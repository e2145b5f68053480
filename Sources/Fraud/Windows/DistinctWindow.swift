/// How many different values (numbers called) were seen within a sliding period, exact at
/// any moment, with the same slots and edges as `SlidingWindowSum`. Each value keeps the
/// slot it was last seen in; a value leaves when that slot leaves the period.
///
/// Sightings are kept oldest first to find what leaves without scanning every value; a
/// value seen again in the same slot adds no sighting, so memory is at most one sighting per
/// value per slot.
struct DistinctWindow: Sendable {
    struct Sighting: Sendable, Equatable {
        var slot: Int64
        var value: String
    }

    let period: FraudPeriod
    private var lastSlot: [String: Int64] = [:]
    /// Ascending by slot from `head`; a sighting older than its value's `lastSlot` is stale
    /// and skipped when it leaves.
    private var sightings: [Sighting] = []
    private var head = 0

    init(period: FraudPeriod) {
        self.period = period
    }

    mutating func add(_ value: String, at time: Int64, now: Int64) {
        let slot = period.slot(of: min(time, now))
        guard slot >= period.oldestSlot(at: now) else { return }
        if let last = lastSlot[value], last >= slot { return }
        lastSlot[value] = slot
        let sighting = Sighting(slot: slot, value: value)
        if head == sightings.count || sightings[sightings.count - 1].slot <= slot {
            sightings.append(sighting)
        } else {
            sightings.insert(sighting, at: insertionPoint(of: slot))
        }
    }

    mutating func expire(now: Int64) {
        let oldest = period.oldestSlot(at: now)
        while head < sightings.count, sightings[head].slot < oldest {
            let gone = sightings[head]
            if lastSlot[gone.value] == gone.slot { lastSlot[gone.value] = nil }
            head += 1
        }
        if head == sightings.count {
            sightings.removeAll()
            head = 0
        } else if head >= 16, head * 2 >= sightings.count {
            sightings.removeFirst(head)
            head = 0
        }
    }

    /// The count after `expire(now:)`.
    var count: Int { lastSlot.count }

    /// The count at `now` without changing anything.
    func count(at now: Int64) -> Int {
        let oldest = period.oldestSlot(at: now)
        return lastSlot.values.count { $0 >= oldest }
    }

    var isEmpty: Bool { lastSlot.isEmpty }

    private func insertionPoint(of slot: Int64) -> Int {
        var low = head
        var high = sightings.count
        while low < high {
            let middle = (low + high) / 2
            if sightings[middle].slot <= slot { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension DistinctWindow: Equatable {
    static func == (a: DistinctWindow, b: DistinctWindow) -> Bool {
        a.period == b.period && a.lastSlot == b.lastSlot && a.sightings[a.head...].elementsEqual(b.sightings[b.head...])
    }
}

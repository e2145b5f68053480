/// A sum over a sliding period, exact at any moment: each value is added to the slot of its
/// time (`FraudPeriod`), and a slot leaves the sum whole when it falls out of the period.
/// Only slots holding something are kept, oldest first, so memory is at most one entry per
/// slot of the period (60 to 144) however many calls there were.
///
/// The running total is 128 bits wide: a sum of 64-bit costs cannot overflow it, so adding
/// and removing a slot are exact inverses and the total never drifts from the slots.
struct SlidingWindowSum: Sendable {
    struct Slot: Sendable, Equatable {
        var index: Int64
        var value: Int64
    }

    let period: FraudPeriod
    /// Ascending by index; the live ones start at `head` (dropping from the front of an
    /// array is deferred so that expiry is not quadratic).
    private var slots: [Slot] = []
    private var head = 0
    private var total: Int128 = 0

    init(period: FraudPeriod) {
        self.period = period
    }

    /// Adds `value` (ignored unless positive) at `time`. A time later than `now` is taken
    /// as `now`; a time whose slot has already left the period at `now` changes nothing,
    /// since it could not count.
    mutating func add(_ value: Int64, at time: Int64, now: Int64) {
        guard value > 0 else { return }
        let index = period.slot(of: min(time, now))
        guard index >= period.oldestSlot(at: now) else { return }
        if head == slots.count || slots[slots.count - 1].index < index {
            slots.append(Slot(index: index, value: value))
            total += Int128(value)
            return
        }
        // The newest slot, or a late fact's slot somewhere before it.
        let position = slots[slots.count - 1].index == index ? slots.count - 1 : insertionPoint(of: index)
        if position < slots.count, slots[position].index == index {
            let before = slots[position].value
            slots[position].value = Self.saturatingSum(before, value)
            total += Int128(slots[position].value) - Int128(before)
        } else {
            slots.insert(Slot(index: index, value: value), at: position)
            total += Int128(value)
        }
    }

    /// Drops the slots that have left the period at `now`.
    mutating func expire(now: Int64) {
        let oldest = period.oldestSlot(at: now)
        while head < slots.count, slots[head].index < oldest {
            total -= Int128(slots[head].value)
            head += 1
        }
        if head == slots.count {
            slots.removeAll()
            head = 0
            total = 0
        } else if head >= 16, head * 2 >= slots.count {
            slots.removeFirst(head)
            head = 0
        }
    }

    /// The sum after `expire(now:)`.
    var sum: Int64 { Int64(clamping: total) }

    /// The sum at `now` without changing anything (for reading between facts).
    func sum(at now: Int64) -> Int64 {
        let oldest = period.oldestSlot(at: now)
        var sum: Int128 = 0
        for slot in slots[head...] where slot.index >= oldest { sum += Int128(slot.value) }
        return Int64(clamping: sum)
    }

    var isEmpty: Bool { head == slots.count }

    /// Slots holding something, for memory checks.
    var slotCount: Int { slots.count - head }

    /// The first live position whose slot is at or after `index`.
    private func insertionPoint(of index: Int64) -> Int {
        var low = head
        var high = slots.count
        while low < high {
            let middle = (low + high) / 2
            if slots[middle].index < index { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// One slot's worth of money cannot reach 2^63 micros from real calls; should a broken
    /// cost try, the slot holds at the maximum rather than trapping.
    private static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int64.max : sum
    }
}

extension SlidingWindowSum: Equatable {
    /// Equal when the same slots are live, however much of the array is still to be dropped.
    static func == (a: SlidingWindowSum, b: SlidingWindowSum) -> Bool {
        a.period == b.period && a.total == b.total && a.slots[a.head...].elementsEqual(b.slots[b.head...])
    }
}

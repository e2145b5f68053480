/// A binary min-heap of deadlines with at most one entry per slot, so that the table fires
/// only the transactions that are due: O(1) to find the earliest, O(log n) to insert, move
/// or remove one. Slots index `positions` directly; a slot's entry is replaced in place when
/// its transaction's deadline changes, so the heap never holds stale entries and its size
/// is bounded by the number of live transactions.
struct DeadlineHeap: Sendable {
    struct Entry: Sendable, Hashable {
        var deadline: SIPInstant
        /// When the entry was set: equal deadlines fire first come, first served.
        var order: UInt64
        var slot: Int
    }

    private(set) var entries: [Entry] = []
    /// For each slot, its index in `entries`, or -1.
    private var positions: [Int] = []
    private var nextOrder: UInt64 = 0

    var count: Int { entries.count }

    /// The earliest entry.
    var first: Entry? { entries.first }

    /// The deadline recorded for `slot`.
    func deadline(of slot: Int) -> SIPInstant? {
        guard slot < positions.count, positions[slot] >= 0 else { return nil }
        return entries[positions[slot]].deadline
    }

    /// Records `slot`'s deadline: inserts, moves or (for nil) removes its entry.
    mutating func set(_ slot: Int, to deadline: SIPInstant?) {
        while positions.count <= slot { positions.append(-1) }
        let index = positions[slot]
        guard let deadline else {
            if index >= 0 { remove(at: index) }
            return
        }
        if index >= 0 {
            guard entries[index].deadline != deadline else { return }
            entries[index].deadline = deadline
            entries[index].order = takeOrder()
            siftDown(siftUp(index))
        } else {
            entries.append(Entry(deadline: deadline, order: takeOrder(), slot: slot))
            positions[slot] = entries.count - 1
            siftUp(entries.count - 1)
        }
    }

    private mutating func takeOrder() -> UInt64 {
        defer { nextOrder &+= 1 }
        return nextOrder
    }

    private mutating func remove(at index: Int) {
        positions[entries[index].slot] = -1
        let last = entries.count - 1
        if index != last {
            entries[index] = entries[last]
            positions[entries[index].slot] = index
        }
        entries.removeLast()
        if index < entries.count {
            siftDown(siftUp(index))
        }
    }

    private func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
        let a = entries[lhs]
        let b = entries[rhs]
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.order < b.order
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        entries.swapAt(i, j)
        positions[entries[i].slot] = i
        positions[entries[j].slot] = j
    }

    /// Moves the entry at `index` up while it precedes its parent; returns where it ends.
    @discardableResult
    private mutating func siftUp(_ index: Int) -> Int {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            swapAt(child, parent)
            child = parent
        }
        return child
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            let right = left + 1
            let smaller = right < entries.count && precedes(right, left) ? right : left
            guard precedes(smaller, parent) else { return }
            swapAt(parent, smaller)
            parent = smaller
        }
    }
}

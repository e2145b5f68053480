import SIPTransaction

/// What the proxy must look at again at a given instant (a call's maximum duration, a ring
/// timeout, a provider that has not answered yet): a binary min-heap, so a tick looks at the
/// earliest deadline only, however many calls and forwardings are up. An entry whose call or
/// leg ended earlier stays until its deadline, where the caller finds it gone and drops it.
struct DeadlineSchedule<Key: Sendable>: Sendable {
    private var heap: [(deadline: SIPInstant, key: Key)] = []

    var count: Int { heap.count }

    mutating func add(_ key: Key, at deadline: SIPInstant) {
        heap.append((deadline, key))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the keys due at `now`, earliest first.
    mutating func takeDue(_ now: SIPInstant) -> [Key] {
        var due: [Key] = []
        while let first = heap.first, first.deadline <= now {
            due.append(first.key)
            let last = heap.removeLast()
            guard !heap.isEmpty else { break }
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
                if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return due
    }
}

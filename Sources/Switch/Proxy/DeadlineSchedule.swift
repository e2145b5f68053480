import SIPTransaction

/// When answered calls must be ended (maximum duration, or their money runs out): a binary
/// min-heap, so a tick looks at the earliest deadline only, however many calls are up. A
/// call that ended earlier leaves its entry until that entry's deadline, where it is found
/// gone and dropped.
struct HangupSchedule: Sendable {
    private var heap: [(deadline: SIPInstant, callID: String)] = []

    var count: Int { heap.count }

    mutating func add(_ callID: String, at deadline: SIPInstant) {
        heap.append((deadline, callID))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the calls due at `now`, earliest first.
    mutating func takeDue(_ now: SIPInstant) -> [String] {
        var due: [String] = []
        while let first = heap.first, first.deadline <= now {
            due.append(first.callID)
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

/// Which ban gives way when the ban table is full. A flood of spoofed packets can earn many
/// one-packet bans; they must not crowd out bans that rest on more (a password guesser's,
/// a flood's). The weakest ban goes first: one resting on a single packet, then the one
/// ending soonest, then the newest. Manual and blocklist bans are never put here.
///
/// A min-heap with lazy removal: a ban lifted meanwhile stays in the heap until it comes up,
/// where the owner's `isCurrent` check drops it. O(log n) per ban.
public struct BanEvictionOrder: Sendable {
    public struct Entry: Sendable, Equatable, Comparable {
        public var network: GuardNetwork
        /// The stored ban's id (a network banned again later is a different entry).
        public var banId: Int64
        public var onePacket: Bool
        /// Unix milliseconds; `Int64.max` for a permanent ban.
        public var expiry: Int64
        public var start: Int64

        public init(network: GuardNetwork, banId: Int64, onePacket: Bool, expiry: Int64, start: Int64) {
            self.network = network
            self.banId = banId
            self.onePacket = onePacket
            self.expiry = expiry
            self.start = start
        }

        /// Weaker first.
        public static func < (a: Entry, b: Entry) -> Bool {
            if a.onePacket != b.onePacket { return a.onePacket }
            if a.expiry != b.expiry { return a.expiry < b.expiry }
            return a.start > b.start
        }
    }

    private var heap: [Entry] = []

    public init() {}

    public var count: Int { heap.count }

    public mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The weakest ban still in force (`isCurrent`), left in place; stale entries on the way
    /// are dropped.
    public mutating func weakest(isCurrent: (Entry) -> Bool) -> Entry? {
        while let top = heap.first {
            if isCurrent(top) { return top }
            removeTop()
        }
        return nil
    }

    /// Removes the weakest entry (after `weakest` returned it).
    public mutating func removeTop() {
        guard !heap.isEmpty else { return }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left] < heap[smallest] { smallest = left }
            if right < heap.count, heap[right] < heap[smallest] { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Drops every stale entry when they outnumber the live ones (bans expire on their own:
    /// without this the heap would keep them until they came up).
    public mutating func compact(isCurrent: (Entry) -> Bool, live: Int) {
        guard heap.count > 2 * max(live, 1024) else { return }
        let kept = heap.filter(isCurrent)
        heap = []
        for entry in kept { insert(entry) }
    }
}

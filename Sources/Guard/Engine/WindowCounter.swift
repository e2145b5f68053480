/// Weights within a sliding window, exact: every counted event's time is kept until it
/// leaves the window, and the sum is kept up to date. A jail bans at its threshold and the
/// counter is then cleared, so it never holds more than about `threshold` entries.
struct WindowCounter: Sendable {
    struct Entry: Sendable {
        /// Milliseconds since 1970.
        var time: Int64
        var weight: Int32
        var kind: UInt8
    }

    private(set) var entries: [Entry] = []
    private(set) var sum = 0

    /// Drops what is older than `window` milliseconds before `now`. An entry from the future
    /// (the wall clock went back) is brought to `now`, so that a clock jump neither keeps old
    /// events forever nor loses new ones.
    mutating func prune(now: Int64, window: Int64?) {
        for index in entries.indices where entries[index].time > now {
            entries[index].time = now
        }
        guard let window else { return }
        let oldest = now - window
        var dropped = 0
        while dropped < entries.count, entries[dropped].time <= oldest {
            sum -= Int(entries[dropped].weight)
            dropped += 1
        }
        if dropped > 0 { entries.removeFirst(dropped) }
    }

    mutating func add(time: Int64, weight: Int, kind: UInt8) {
        entries.append(Entry(time: time, weight: Int32(clamping: weight), kind: kind))
        sum += weight
    }

    mutating func clear() {
        entries.removeAll()
        sum = 0
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Weight per kind index, for the ban's reason.
    func weightsByKind() -> [UInt8: Int] {
        var result: [UInt8: Int] = [:]
        for entry in entries { result[entry.kind, default: 0] += Int(entry.weight) }
        return result
    }
}

/// What the engine remembers of one source: a counter per jail that counts it, and the last
/// few events for the explanation.
struct SourceState: Sendable {
    var lastSeen: Int64
    /// Jail index → counter; a dictionary because a source usually meets one or two jails.
    private(set) var counters: [Int: WindowCounter] = [:]
    private(set) var evidence: [Evidence] = []

    init(lastSeen: Int64) {
        self.lastSeen = lastSeen
    }

    /// Adds an event to a jail's counter and returns the sum within the window.
    mutating func count(jail: Int, time: Int64, weight: Int, kind: UInt8, window: Int64?) -> Int {
        var counter = counters[jail] ?? WindowCounter()
        counter.prune(now: time, window: window)
        counter.add(time: time, weight: weight, kind: kind)
        counters[jail] = counter
        return counter.sum
    }

    mutating func prune(jail: Int, now: Int64, window: Int64?) {
        guard var counter = counters[jail] else { return }
        counter.prune(now: now, window: window)
        counters[jail] = counter.isEmpty ? nil : counter
    }

    mutating func clear(jail: Int) {
        counters[jail] = nil
    }

    mutating func remember(_ item: Evidence, limit: Int) {
        evidence.append(item)
        if evidence.count > max(1, limit) { evidence.removeFirst(evidence.count - max(1, limit)) }
    }

    var isIdle: Bool { counters.isEmpty }
}

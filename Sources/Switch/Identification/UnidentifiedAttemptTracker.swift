public import SecurityEvents

/// Decides which challenged requests become unidentified call attempts (the "cannot
/// determine who is calling" record). A phone's first INVITE is always challenged, so a
/// challenge alone is not a failure: an attempt is recorded when its challenge is answered
/// with bad credentials, or when no valid credentials come for the same Call-ID within the
/// window (32 s: RFC 3261 Timer B/F, the longest a client keeps trying). Each Call-ID is
/// recorded at most once.
///
/// Bounded: at capacity the oldest pending challenge is recorded at once (as unanswered),
/// so a flood of challenged requests costs a fixed amount of memory.
public struct UnidentifiedAttemptTracker: Sendable {
    struct Pending {
        var event: SecurityEvent
        var deadline: Int64
        var recorded: Bool
        /// Which entry of `order` this is (a Call-ID can come back after it was let go).
        var sequence: Int
    }

    public let capacity: Int
    public let windowMilliseconds: Int64
    private var pending: [String: Pending] = [:]
    /// Call-IDs in the order they were first challenged (deadlines are in the same order).
    private var order: [(callID: String, sequence: Int)] = []
    private var orderStart = 0
    private var nextSequence = 0

    public init(capacity: Int = 50_000, windowMilliseconds: Int64 = 32_000) {
        self.capacity = capacity
        self.windowMilliseconds = windowMilliseconds
    }

    public var count: Int { pending.count }

    /// A request was challenged. `event` is the attempt as it would be recorded. Returns the
    /// events recorded to make room, if the tracker was full.
    public mutating func challenged(callID: String, event: SecurityEvent, now: Int64) -> [SecurityEvent] {
        guard pending[callID] == nil else { return [] }
        let recorded = makeRoom()
        append(callID, Pending(event: event, deadline: now + windowMilliseconds, recorded: false, sequence: 0))
        return recorded
    }

    /// At capacity, the oldest entry goes: recorded as unanswered if it was not recorded yet.
    private mutating func makeRoom() -> [SecurityEvent] {
        guard pending.count >= capacity, let oldest = popOldest(), !oldest.recorded else { return [] }
        return [Self.unanswered(oldest.event)]
    }

    /// Valid credentials came for the Call-ID: the caller is identified; nothing is recorded.
    public mutating func identified(callID: String) {
        if let entry = pending[callID], !entry.recorded { pending[callID] = nil }
    }

    /// Bad credentials came for the Call-ID: the attempt is recorded now (once per Call-ID).
    /// Returns the events to record: this one (once per Call-ID), and the oldest pending
    /// challenge's when it made room for it. Bounded like `challenged`: a flood of failures
    /// under spoofed Call-IDs costs a fixed amount of memory.
    public mutating func failed(callID: String, event: SecurityEvent, now: Int64) -> [SecurityEvent] {
        if let entry = pending[callID], entry.recorded { return [] }
        if var entry = pending[callID] {
            entry.recorded = true
            entry.event = event
            pending[callID] = entry
            return [event]
        }
        let evicted = makeRoom()
        append(callID, Pending(event: event, deadline: now + windowMilliseconds, recorded: true, sequence: 0))
        return evicted + [event]
    }

    /// Challenges whose window ended at `now` without valid credentials.
    public mutating func expire(now: Int64) -> [SecurityEvent] {
        var recorded: [SecurityEvent] = []
        while orderStart < order.count {
            let (callID, sequence) = order[orderStart]
            guard let entry = pending[callID], entry.sequence == sequence else {
                orderStart += 1
                continue
            }
            guard entry.deadline <= now else { break }
            pending[callID] = nil
            orderStart += 1
            if !entry.recorded { recorded.append(Self.unanswered(entry.event)) }
        }
        compactOrder()
        return recorded
    }

    private mutating func popOldest() -> Pending? {
        while orderStart < order.count {
            let (callID, sequence) = order[orderStart]
            orderStart += 1
            if let entry = pending[callID], entry.sequence == sequence {
                pending[callID] = nil
                compactOrder()
                return entry
            }
        }
        return nil
    }

    private mutating func append(_ callID: String, _ entry: Pending) {
        var entry = entry
        entry.sequence = nextSequence
        nextSequence += 1
        pending[callID] = entry
        order.append((callID, entry.sequence))
    }

    private mutating func compactOrder() {
        if orderStart > 1024 && orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }

    static func unanswered(_ event: SecurityEvent) -> SecurityEvent {
        var event = event
        event.reason = "challenge not answered with valid credentials"
        return event
    }
}

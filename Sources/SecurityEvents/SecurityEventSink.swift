import Synchronization

/// Where security events go. Implementations must be cheap and never block: events are
/// emitted on the event loops, in the middle of answering a request.
public protocol SecurityEventSink: Sendable {
    func emit(_ event: SecurityEvent)
}

/// Drops every event (tests that do not look at them, tools).
public struct DiscardingSecurityEventSink: SecurityEventSink {
    public init() {}
    public func emit(_ event: SecurityEvent) {}
}

/// A bounded queue of events that its consumer drains in batches (every 100 ms or so).
/// Emitting is an append under a lock, with no wake-up of another thread per event: a flood
/// of failed logins must cost the event loops next to nothing. When the consumer falls
/// behind, the newest events beyond `capacity` are dropped and counted, rather than memory
/// grown.
public final class SecurityEventQueue: SecurityEventSink {
    struct State {
        var events: [SecurityEvent] = []
        var dropped = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    public func emit(_ event: SecurityEvent) {
        state.withLock { state in
            if state.events.count < capacity {
                state.events.append(event)
            } else {
                state.dropped += 1
            }
        }
    }

    /// Every waiting event, oldest first, and how many were dropped since the last drain.
    public func drain() -> (events: [SecurityEvent], dropped: Int) {
        state.withLock { state in
            defer {
                state.events.removeAll(keepingCapacity: true)
                state.dropped = 0
            }
            return (state.events, state.dropped)
        }
    }
}

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

/// Delivers events to one consumer through an `AsyncStream` with a bounded buffer: when the
/// consumer falls behind, the oldest events are dropped and counted rather than memory grown
/// (a flood must not exhaust memory through its own events).
public final class SecurityEventStream: SecurityEventSink {
    public let events: AsyncStream<SecurityEvent>
    private let continuation: AsyncStream<SecurityEvent>.Continuation

    public init(bufferSize: Int = 10_000) {
        (events, continuation) = AsyncStream.makeStream(of: SecurityEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
    }

    public func emit(_ event: SecurityEvent) {
        continuation.yield(event)
    }

    /// Ends the stream: the consumer's loop finishes after the buffered events.
    public func finish() {
        continuation.finish()
    }
}

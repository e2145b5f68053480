import Synchronization

/// Where the server's live events meet their listeners (the event channel's clients, the
/// console): publishers hand over events, each subscriber gets those its filter takes, in
/// order. A subscriber that reads too slowly loses its oldest events (it has a buffer of
/// `bufferSize`), never slows the server down. With nobody listening, publishing costs one
/// atomic load, so the SIP path checks `isWatched` before building an event.
public final class EventHub: Sendable {
    public static let bufferSize = 1_000

    struct Subscriber {
        let filter: Set<String>?
        let continuation: AsyncStream<ServerEvent>.Continuation
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let count = Atomic<Int>(0)
    private let nextID = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)

    public init() {}

    /// Someone is listening.
    public var isWatched: Bool { count.load(ordering: .relaxed) > 0 }

    /// Events lost to slow subscribers since start.
    public var droppedEvents: Int { dropped.load(ordering: .relaxed) }

    public var subscriberCount: Int { count.load(ordering: .relaxed) }

    public func publish(_ event: ServerEvent) {
        guard isWatched else { return }
        let targets = subscribers.withLock { $0.values.filter { event.matches($0.filter) }.map(\.continuation) }
        for continuation in targets {
            if case .dropped = continuation.yield(event) { dropped.add(1, ordering: .relaxed) }
        }
    }

    /// Builds and publishes an event only when someone listens.
    public func publish(_ build: () -> ServerEvent) {
        guard isWatched else { return }
        publish(build())
    }

    /// A stream of the events `filter` takes (nil: all), from now on. It ends when the
    /// consumer stops iterating (its task is cancelled) or `finishAll` is called.
    public func subscribe(filter: Set<String>?) -> AsyncStream<ServerEvent> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream.makeStream(of: ServerEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferSize))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            let removed = self.subscribers.withLock { $0.removeValue(forKey: id) != nil }
            if removed { self.count.subtract(1, ordering: .relaxed) }
        }
        subscribers.withLock { $0[id] = Subscriber(filter: filter, continuation: continuation) }
        count.add(1, ordering: .relaxed)
        return stream
    }

    /// Ends every subscriber's stream (shutdown).
    public func finishAll() {
        let all = subscribers.withLock { Array($0.values) }
        for subscriber in all { subscriber.continuation.finish() }
    }
}

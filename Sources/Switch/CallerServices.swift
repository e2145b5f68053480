public import Registrar
public import SecurityEvents
public import SIPCore
public import SIPTransport
import Synchronization

/// What the engines share to answer "who is calling": digest authentication, the directory
/// of devices and providers, the registrar's bindings, the tracker of unidentified attempts,
/// and where security events go. One instance serves every event loop.
public final class CallerServices: Sendable {
    public struct Configuration: Sendable {
        public var authentication = DigestAuthenticator.Configuration()
        public var registrar = RegistrarPolicy()
        /// Unauthenticated calls may reach local DIDs (never an outbound route).
        public var allowGuest = false

        public init() {}
    }

    public let configuration: Configuration
    public let authenticator: DigestAuthenticator
    public let directory: CallerDirectoryHolder
    public let registrar: RegistrarStore
    public let events: any SecurityEventSink
    /// Devices the Guard locked against new sources (distributed guessing).
    public let deviceLocks = DeviceLockTable()
    /// Unix milliseconds (nonces and bindings outlive a restart, so they use wall time).
    public let wallClock: @Sendable () -> Int64
    private let tracker: Mutex<UnidentifiedAttemptTracker>
    private let responseConsumers = Mutex<[any SIPResponseConsumer]>([])

    public init(
        configuration: Configuration, secret: [UInt8], directory: CallerDirectoryHolder = CallerDirectoryHolder(),
        events: any SecurityEventSink, wallClock: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.authenticator = DigestAuthenticator(configuration: configuration.authentication, secret: secret)
        self.directory = directory
        self.registrar = RegistrarStore(policy: configuration.registrar)
        self.events = events
        self.wallClock = wallClock
        self.tracker = Mutex(UnidentifiedAttemptTracker())
    }

    /// Once a second or so: expires bindings and unanswered challenges (which become
    /// unidentified attempts).
    public func tick() {
        let now = wallClock()
        registrar.expire(now: now)
        let unanswered = tracker.withLock { $0.expire(now: now) }
        for event in unanswered { events.emit(event) }
    }

    // MARK: - Responses to the server's own requests

    /// Adds a consumer of responses (the outbound registration client).
    public func addResponseConsumer(_ consumer: any SIPResponseConsumer) {
        responseConsumers.withLock { $0.append(consumer) }
    }

    /// Offers a response to the consumers; false when none took it (a stray response).
    func consume(_ response: inout SIPMessage, from peer: SIPPeer) -> Bool {
        let consumers = responseConsumers.withLock { $0 }
        for consumer in consumers where consumer.consume(&response, from: peer) {
            return true
        }
        return false
    }

    // MARK: - Unidentified attempts

    func challenged(callID: String, attempt: SecurityEvent, now: Int64) {
        let overflow = tracker.withLock { $0.challenged(callID: callID, event: attempt, now: now) }
        for event in overflow { events.emit(event) }
    }

    func identified(callID: String) {
        tracker.withLock { $0.identified(callID: callID) }
    }

    func failed(callID: String, attempt: SecurityEvent, now: Int64) {
        for event in tracker.withLock({ $0.failed(callID: callID, event: attempt, now: now) }) {
            events.emit(event)
        }
    }

    /// Challenges waiting for an answer.
    public var pendingChallenges: Int { tracker.withLock { $0.count } }
}

/// Takes responses to requests the server sent itself (matched by its own Call-ID or branch).
public protocol SIPResponseConsumer: Sendable {
    /// Returns true when the response was one of this consumer's.
    func consume(_ response: inout SIPMessage, from peer: SIPPeer) -> Bool
}

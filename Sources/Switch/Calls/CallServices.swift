import Synchronization

/// What the engines share to carry calls: the routing snapshot, the live calls and their
/// limits, the money, where call records go, and the way to the transports. One instance
/// serves every event loop.
public final class CallServices: Sendable {
    public struct Configuration: Sendable {
        /// The longest any answered call may last (the switch sends BYE to both sides).
        public var maxCallSeconds = 10_800
        /// How long a call may ring unanswered before it is given up with 408 (RFC 3261
        /// §16.6 step 11, Timer C, which must be over 3 minutes; operators want less).
        public var ringTimeoutSeconds = 60
        /// How long a provider may take to say anything (even 100) before the next one is
        /// tried.
        public var providerTimeoutMilliseconds = 5_000

        public init() {}
    }

    public let configuration: Configuration
    public let registry = CallRegistry()
    public let ledger: Ledger
    public let records: any CallRecordSink
    public let network = ProxyNetwork()
    private let current: Mutex<CallRouting>
    /// Salt of the stateless branches (unpredictable from outside).
    public let branchSalt = UInt64.random(in: .min ... .max)

    public init(
        configuration: Configuration = Configuration(), routing: CallRouting = CallRouting(), ledger: Ledger = Ledger(),
        records: any CallRecordSink
    ) {
        self.configuration = configuration
        self.ledger = ledger
        self.current = Mutex(routing)
        self.records = records
    }

    public var routing: CallRouting { current.withLock { $0 } }

    public func replace(routing: CallRouting) {
        current.withLock { $0 = routing }
    }
}

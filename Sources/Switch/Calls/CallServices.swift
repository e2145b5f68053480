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
    /// Blind transfers allowed and not yet placed.
    public let transfers = TransferGrants()
    /// Told of calls starting and being answered (nil: nobody watches).
    public let watcher: (any CallWatcher)?
    private let current: Mutex<Current>

    /// The routing snapshot with the blocks the switch placed itself applied on top.
    struct Current {
        var routing: CallRouting
        /// Accounts blocked by the switch (the fraud monitors) whose block the database may
        /// not show yet: a snapshot loaded before the block was written must not lift it.
        var holds: [Int64: String] = [:]
    }
    /// The key of the stateless branches' MACs: random per process, since an answer to a
    /// stateless forward comes within seconds.
    private let branchKey = KeyedHash(key: (0..<32).map { _ in UInt8.random(in: .min ... .max) })

    public init(
        configuration: Configuration = Configuration(), routing: CallRouting = CallRouting(), ledger: Ledger = Ledger(),
        records: any CallRecordSink, watcher: (any CallWatcher)? = nil
    ) {
        self.configuration = configuration
        self.ledger = ledger
        self.current = Mutex(Current(routing: routing))
        self.records = records
        self.watcher = watcher
    }

    public var routing: CallRouting { current.withLock { $0.routing } }

    /// Installs a snapshot loaded from the database. A hold whose block the snapshot shows
    /// is dropped (the database has it now, and an operator may lift it there); the others
    /// stay applied.
    public func replace(routing: CallRouting) {
        current.withLock { current in
            var routing = routing
            for (accountId, reason) in current.holds {
                if routing.accounts[accountId]?.blocked == true {
                    current.holds[accountId] = nil
                } else {
                    Self.apply(block: reason, to: accountId, in: &routing)
                }
            }
            current.routing = routing
        }
    }

    /// Blocks an account at once, before the database says so: its next call is refused
    /// (cause `account-blocked`). The block stays until a snapshot showing it is installed,
    /// so the caller must also write it to the database.
    public func hold(blockedAccount accountId: Int64, reason: String) {
        current.withLock { current in
            current.holds[accountId] = reason
            Self.apply(block: reason, to: accountId, in: &current.routing)
        }
    }

    /// Forgets a hold once its block is in the database; the current snapshot keeps the
    /// block until the next one (loaded from the database, which now shows it).
    public func releaseHold(accountId: Int64) {
        current.withLock { _ = $0.holds.removeValue(forKey: accountId) }
    }

    private static func apply(block reason: String, to accountId: Int64, in routing: inout CallRouting) {
        var policy = routing.accounts[accountId] ?? CallRouting.AccountPolicy()
        policy.blocked = true
        policy.blockedReason = reason
        routing.accounts[accountId] = policy
    }

    /// The branch of a stateless forward whose answer must go to `nextHop` (`ProxyBranch`).
    func statelessBranch(incomingBranch: String, callID: String, nextHop: StatelessHop) -> String {
        ProxyBranch.stateless(incomingBranch: incomingBranch, callID: callID, nextHop: nextHop, key: branchKey)
    }
}

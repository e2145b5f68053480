/// The transactions of one event loop, and their one owner (RFC 3261 §17).
///
/// The table creates server transactions for new requests and routes retransmissions, ACKs
/// and CANCELs to the ones they belong to (§17.2.3, §9.2); it creates client transactions
/// and routes responses to them (§17.1.3). It keeps every armed deadline in a min-heap, so
/// `advance(to:)` touches only the transactions that are due, and removes each transaction
/// the moment it terminates. The number of live transactions is capped: beyond the cap new
/// ones are refused (`.refused`, `StartError.full`) so the server can answer 503
/// (§21.5.4) instead of growing without bound.
///
/// `Context` is whatever the owner needs to carry out actions for a transaction (the peer's
/// address, a connection handle); the table hands it back with every output.
///
/// Like the machines, the table does no I/O and reads no clock: time comes in as `now`.
public struct TransactionTable<Context: Sendable>: Sendable {
    public let configuration: Configuration

    struct Entry: Sendable {
        var transaction: AnyTransaction
        let context: Context
        let generation: UInt32
        let key: Key
        /// RFC 2543 INVITE transactions: the key an ACK for the final response will carry.
        var ackAlias: ServerTransactionKey?
    }

    enum Key: Sendable {
        case server(ServerTransactionKey)
        case client(ClientTransactionKey)
    }

    private(set) var entries: [Entry?] = []
    private var generations: [UInt32] = []
    private var freeSlots: [Int] = []
    private(set) var servers: [ServerTransactionKey: Int] = [:]
    private(set) var clients: [ClientTransactionKey: Int] = [:]
    private(set) var ackAliases: [ServerTransactionKey: Int] = [:]
    private(set) var heap = DeadlineHeap()

    /// Live transactions.
    public private(set) var count = 0
    /// Transactions created since the table was made, server and client (for metrics: the
    /// owner reads it, so counting costs the message path nothing more than this addition).
    public private(set) var created = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The earliest deadline of any live transaction: when to call `advance(to:)` next.
    public var nextDeadline: SIPInstant? { heap.first?.deadline }

    /// The live transaction `id` names, nil once it has terminated.
    public func transaction(_ id: TransactionID) -> AnyTransaction? {
        slot(of: id).flatMap { entries[$0]?.transaction }
    }

    /// The context `id` was created with, nil once it has terminated.
    public func context(of id: TransactionID) -> Context? {
        slot(of: id).flatMap { entries[$0]?.context }
    }

    /// The live server transaction a key names.
    public func serverTransaction(for key: ServerTransactionKey) -> TransactionID? {
        servers[key].map(id(of:))
    }

    /// The live client transaction a key names.
    public func clientTransaction(for key: ClientTransactionKey) -> TransactionID? {
        clients[key].map(id(of:))
    }

    /// The transport failed to send for `id` (RFC 3261 §17.1.4, §17.2.4); nil when `id`
    /// names no live transaction.
    public mutating func transportError(_ id: TransactionID, now: SIPInstant) -> Output? {
        guard let slot = slot(of: id) else { return nil }
        return apply(slot) { $0.transportError(now: now) }
    }

    /// Fires every timer due at or before `now`, earliest first across all transactions;
    /// one output per firing that produced actions.
    public mutating func advance(to now: SIPInstant) -> [Output] {
        var outputs: [Output] = []
        while let first = heap.first, first.deadline <= now {
            // Advance this transaction only to the instant that is due, so that timers of
            // different transactions interleave in time order.
            let due = first.deadline
            let output = apply(first.slot) { $0.advance(to: due) }
            if !output.actions.isEmpty { outputs.append(output) }
        }
        return outputs
    }

    // MARK: - Storage

    func slot(of id: TransactionID) -> Int? {
        let slot = Int(id.slot)
        guard slot < entries.count, let entry = entries[slot], entry.generation == id.generation else { return nil }
        return slot
    }

    func id(of slot: Int) -> TransactionID {
        TransactionID(slot: slot, generation: generations[slot])
    }

    /// Stores a new transaction under `key`; the caller checked the cap and the key is free.
    mutating func insert(_ transaction: AnyTransaction, context: Context, key: Key) -> Int {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = entries.count
            entries.append(nil)
            generations.append(0)
        }
        generations[slot] &+= 1
        entries[slot] = Entry(transaction: transaction, context: context, generation: generations[slot], key: key)
        switch key {
        case .server(let key): servers[key] = slot
        case .client(let key): clients[key] = slot
        }
        count += 1
        created &+= 1
        heap.set(slot, to: transaction.nextDeadline)
        return slot
    }

    /// Runs an event on the transaction in `slot`, then files it again: its new deadline in
    /// the heap, or, terminated, out of the table.
    mutating func apply(_ slot: Int, _ event: (inout AnyTransaction) -> [TransactionAction]) -> Output {
        let actions = event(&entries[slot]!.transaction)
        let entry = entries[slot]!
        let output = Output(id: id(of: slot), context: entry.context, actions: actions)
        if entry.transaction.isTerminated {
            remove(slot)
        } else {
            heap.set(slot, to: entry.transaction.nextDeadline)
        }
        return output
    }

    /// Records the key an RFC 2543 ACK will carry for the INVITE transaction in `slot`.
    mutating func setACKAlias(_ alias: ServerTransactionKey, for slot: Int) {
        if let old = entries[slot]?.ackAlias, ackAliases[old] == slot {
            ackAliases[old] = nil
        }
        entries[slot]?.ackAlias = alias
        ackAliases[alias] = slot
    }

    private mutating func remove(_ slot: Int) {
        guard let entry = entries[slot] else { return }
        switch entry.key {
        case .server(let key) where servers[key] == slot: servers[key] = nil
        case .client(let key) where clients[key] == slot: clients[key] = nil
        default: break
        }
        if let alias = entry.ackAlias, ackAliases[alias] == slot {
            ackAliases[alias] = nil
        }
        entries[slot] = nil
        freeSlots.append(slot)
        heap.set(slot, to: nil)
        count -= 1
    }
}

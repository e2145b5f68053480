import Synchronization

/// The money of every account while the server runs, the one place calls get their money
/// from. An outbound call reserves, under one lock, what its longest allowed duration would
/// cost; it cannot start when nothing is left after the other live calls' reservations, so
/// simultaneous calls together never spend more than the balance (and, postpaid, the credit
/// limit). When a call ends its reservation is released and its real cost, never more than
/// the reservation, is held as a pending charge until the call record carrying it is
/// written; the database then subtracts it in the same transaction as the record.
public final class Ledger: Sendable {
    public struct AccountMoney: Sendable, Equatable {
        public var prepaid: Bool
        /// As last read from (or written to) the database.
        public var balanceMicros: Int64
        /// How far below zero a postpaid account may go.
        public var creditLimitMicros: Int64

        public init(prepaid: Bool, balanceMicros: Int64, creditLimitMicros: Int64) {
            self.prepaid = prepaid
            self.balanceMicros = balanceMicros
            self.creditLimitMicros = creditLimitMicros
        }
    }

    /// Money set aside for one call.
    public struct Reservation: Sendable, Equatable {
        public var accountId: Int64
        public var micros: Int64
        /// The longest the call may last on that money.
        public var seconds: Int
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// Prepaid and nothing left (402).
        case noBalance
        /// Postpaid and the credit limit reached (403).
        case creditLimitReached
        /// The account is not known to the ledger.
        case unknownAccount
    }

    struct Entry {
        var money: AccountMoney
        var reserved: Int64 = 0
        /// Charged by ended calls, not yet written to the database.
        var pending: Int64 = 0
    }

    struct State {
        var accounts: [Int64: Entry] = [:]
        /// Counts commits, so that a snapshot read before one is not applied after it.
        var commits: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// What may still be spent: balance, less pending charges and live reservations, plus
    /// the credit of a postpaid account.
    public func available(accountId: Int64) -> Int64? {
        state.withLock { state in state.accounts[accountId].map(Self.available) }
    }

    static func available(_ entry: Entry) -> Int64 {
        let credit = entry.money.prepaid ? 0 : entry.money.creditLimitMicros
        return entry.money.balanceMicros + credit - entry.pending - entry.reserved
    }

    /// Sets aside the money of a call at `tariff`, for at most `limit` seconds.
    public func reserve(accountId: Int64, tariff: Tariff, limit: Int) -> Result<Reservation, Refusal> {
        state.withLock { state in
            guard var entry = state.accounts[accountId] else { return .failure(.unknownAccount) }
            let available = Self.available(entry)
            guard let seconds = tariff.affordableSeconds(available: available, limit: limit) else {
                return .failure(entry.money.prepaid ? .noBalance : .creditLimitReached)
            }
            let micros = tariff.cost(seconds: seconds)
            entry.reserved += micros
            state.accounts[accountId] = entry
            return .success(Reservation(accountId: accountId, micros: micros, seconds: seconds))
        }
    }

    /// Releases a reservation and holds `cost` (at most the reservation) as a pending charge.
    /// Returns the cost charged.
    @discardableResult
    public func settle(_ reservation: Reservation, cost: Int64) -> Int64 {
        let charged = min(max(0, cost), reservation.micros)
        state.withLock { state in
            guard var entry = state.accounts[reservation.accountId] else { return }
            entry.reserved = max(0, entry.reserved - reservation.micros)
            entry.pending += charged
            state.accounts[reservation.accountId] = entry
        }
        return charged
    }

    /// Call records carrying `charges` were written, and the accounts' balances after that
    /// transaction are `balances`.
    public func committed(charges: [Int64: Int64], balances: [Int64: Int64]) {
        state.withLock { state in
            state.commits &+= 1
            for (accountId, charge) in charges {
                guard var entry = state.accounts[accountId] else { continue }
                entry.pending = max(0, entry.pending - charge)
                if let balance = balances[accountId] { entry.money.balanceMicros = balance }
                state.accounts[accountId] = entry
            }
        }
    }

    /// A token to take before reading the accounts from the database.
    public var generation: UInt64 { state.withLock { $0.commits } }

    /// Replaces the accounts' money with a snapshot read from the database after
    /// `generation` was taken. When records were committed meanwhile, the balances of the
    /// snapshot may predate their charges: those are kept as they are (the commit brought
    /// its own balances) and only the other fields and new accounts are taken.
    public func load(_ accounts: [Int64: AccountMoney], generation: UInt64) {
        state.withLock { state in
            let stale = state.commits != generation
            var next: [Int64: Entry] = [:]
            for (id, money) in accounts {
                var entry = state.accounts[id] ?? Entry(money: money)
                let balance = stale && state.accounts[id] != nil ? entry.money.balanceMicros : money.balanceMicros
                entry.money = money
                entry.money.balanceMicros = balance
                next[id] = entry
            }
            // Accounts removed keep their live reservations until their calls end.
            for (id, entry) in state.accounts where next[id] == nil && (entry.reserved > 0 || entry.pending > 0) {
                next[id] = entry
            }
            state.accounts = next
        }
    }

    /// Money reserved by live calls.
    public func reserved(accountId: Int64) -> Int64 {
        state.withLock { $0.accounts[accountId]?.reserved ?? 0 }
    }
}

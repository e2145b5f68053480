import GRDB

/// Call rates, behind a protocol so that another database can implement it. A change may
/// carry its action log line, written in the same transaction.
public protocol RateRepository: Sendable {
    /// Refuses a second rate of the same prefix for the same account (or a second default).
    func insert(_ rate: Rate, log: ActionLogLine<Rate>?) throws -> Rate
    /// The rates of one account, or every rate when `accountId` is nil; by account (defaults
    /// first), then prefix.
    func rates(accountId: Int64?) throws -> [Rate]
    /// Every rate, by account (defaults first), then prefix.
    func allRates() throws -> [Rate]
    /// Whether there was such a rate; the log line is written only when there was.
    func removeRate(id: Int64, log: ActionLogEntry?) throws -> Bool
}

extension RateRepository {
    public func insert(_ rate: Rate) throws -> Rate { try insert(rate, log: nil) }
    public func removeRate(id: Int64) throws -> Bool { try removeRate(id: id, log: nil) }
}

extension AppDatabase: RateRepository {
    public func insert(_ rate: Rate, log: ActionLogLine<Rate>?) throws -> Rate {
        do {
            return try write(logging: log) { db in
                var rate = rate
                try rate.insert(db)
                return rate
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate(Self.described(rate))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StorageError.notFound("account \(rate.accountId.map(String.init) ?? "?")")
        }
    }

    public func rates(accountId: Int64?) throws -> [Rate] {
        guard let accountId else { return try allRates() }
        return try writer.read { db in
            try Rate.filter(Column("accountId") == accountId).order(Column("prefix")).fetchAll(db)
        }
    }

    public func allRates() throws -> [Rate] {
        try writer.read { db in
            // NULLs sort first in SQLite: the defaults lead.
            try Rate.order(Column("accountId"), Column("prefix")).fetchAll(db)
        }
    }

    public func removeRate(id: Int64, log: ActionLogEntry?) throws -> Bool {
        try write(logging: { removed in removed ? log : nil }) { db in try Rate.deleteOne(db, key: id) }
    }

    private static func described(_ rate: Rate) -> String {
        rate.accountId.map { "rate \(rate.prefix) of account \($0)" } ?? "default rate \(rate.prefix)"
    }
}

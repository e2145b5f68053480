import GRDB

/// Accounts, behind a protocol so that another database can implement it. A change may carry
/// its action log line, written in the same transaction.
public protocol AccountRepository: Sendable {
    func insert(_ account: Account, log: ActionLogLine<Account>?) throws -> Account
    func account(id: Int64) throws -> Account?
    func account(named name: String) throws -> Account?
    func accounts() throws -> [Account]
    func update(_ account: Account, log: ActionLogEntry?) throws
    /// Removes an account that has no devices left.
    func removeAccount(id: Int64, log: ActionLogEntry?) throws
}

extension AccountRepository {
    public func insert(_ account: Account) throws -> Account { try insert(account, log: nil) }
    public func update(_ account: Account) throws { try update(account, log: nil) }
    public func removeAccount(id: Int64) throws { try removeAccount(id: id, log: nil) }
}

extension AppDatabase: AccountRepository {
    public func insert(_ account: Account, log: ActionLogLine<Account>?) throws -> Account {
        do {
            return try write(logging: log) { db in
                var account = account
                try account.insert(db)
                return account
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("account \(account.name)")
        }
    }

    public func account(id: Int64) throws -> Account? {
        try writer.read { db in try Account.fetchOne(db, key: id) }
    }

    public func account(named name: String) throws -> Account? {
        try writer.read { db in try Account.filter(Column("name") == name).fetchOne(db) }
    }

    public func accounts() throws -> [Account] {
        try writer.read { db in try Account.order(Column("name")).fetchAll(db) }
    }

    public func update(_ account: Account, log: ActionLogEntry?) throws {
        do {
            try write(logging: { log }) { db in try account.update(db) }
        } catch is RecordError {
            throw StorageError.notFound("account \(account.id.map(String.init) ?? "?")")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("account \(account.name)")
        }
    }

    public func removeAccount(id: Int64, log: ActionLogEntry?) throws {
        do {
            try write(logging: { log }) { db in
                if try !Account.deleteOne(db, key: id) { throw StorageError.notFound("account \(id)") }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError.inUse("account \(id) (it has devices)")
        }
    }
}

public import Foundation
import GRDB

/// The action log line of a change, made from what was written (a new record with its id,
/// the bans lifted) and inserted in the same transaction as the change, so that a change and
/// its line are kept together or not at all; a nil line: none is written.
public typealias ActionLogLine<Written> = (Written) -> ActionLogEntry?

/// The action log and the switch's own account blocks, behind a protocol so that another
/// database can implement it.
public protocol ActionLogRepository: Sendable {
    @discardableResult
    func insert(_ entry: ActionLogEntry) throws -> ActionLogEntry
    /// Entries at or after `from` and before `to`, newest first, at most `limit`.
    func actionLog(from: Date?, to: Date?, limit: Int) throws -> [ActionLogEntry]
    /// Blocks an account with its reason (and when the block ends, nil: until lifted) and
    /// logs it, in one transaction. Returns the account as it was before, nil when there is
    /// no such account. An account already blocked keeps its block (and its end) and gets no
    /// log line: the first reason stands.
    func block(accountId: Int64, reason: String, until: Date?, log: ActionLogEntry) throws -> Account?
    /// Lifts the blocks whose time has come, logging each; returns the accounts lifted.
    func liftExpiredAccountBlocks(at now: Date) throws -> [Account]
}

extension AppDatabase: ActionLogRepository {
    @discardableResult
    public func insert(_ entry: ActionLogEntry) throws -> ActionLogEntry {
        try writer.write { db in
            var entry = entry
            try entry.insert(db)
            return entry
        }
    }

    public func actionLog(from: Date?, to: Date?, limit: Int) throws -> [ActionLogEntry] {
        try writer.read { db in
            var request = ActionLogEntry.all()
            if let from { request = request.filter(Column("at") >= from) }
            if let to { request = request.filter(Column("at") < to) }
            return try request.order(Column("at").desc, Column("id").desc).limit(max(0, limit)).fetchAll(db)
        }
    }

    public func block(accountId: Int64, reason: String, until: Date?, log: ActionLogEntry) throws -> Account? {
        try writer.write { db in
            guard var account = try Account.fetchOne(db, key: accountId) else { return nil }
            let before = account
            guard !account.blocked else { return before }
            account.blocked = true
            account.blockedReason = reason
            account.blockedUntil = until
            try account.update(db)
            var entry = log
            entry.target = Self.accountTarget(account)
            try entry.insert(db)
            return before
        }
    }

    public func liftExpiredAccountBlocks(at now: Date) throws -> [Account] {
        try writer.write { db in
            let due = try Account.filter(Column("blocked") == true && Column("blockedUntil") != nil && Column("blockedUntil") <= now).fetchAll(db)
            var lifted: [Account] = []
            for var account in due {
                let reason = account.blockedReason ?? ""
                account.blocked = false
                account.blockedReason = nil
                account.blockedUntil = nil
                try account.update(db)
                var entry = ActionLogEntry(
                    at: now, actor: "server", action: "account.unblock", target: Self.accountTarget(account),
                    reason: "the block's time ended", details: ["block_reason": .text(reason)])
                try entry.insert(db)
                lifted.append(account)
            }
            return lifted
        }
    }

    /// Runs `updates` in one transaction, and in the same transaction inserts the line `log`
    /// makes of what was written. An error thrown by `updates` rolls both back.
    func write<Written>(logging log: ActionLogLine<Written>?, _ updates: (Database) throws -> Written) throws -> Written {
        try writer.write { db in
            let written = try updates(db)
            if var entry = log?(written) { try entry.insert(db) }
            return written
        }
    }

    /// How the action log names an account: `account 3 acme`.
    public static func accountTarget(_ account: Account) -> String {
        "account \(account.id.map(String.init) ?? "?") \(account.name)"
    }
}

public import Foundation
import GRDB

/// Console users and their sessions, behind a protocol so that another database can
/// implement it.
public protocol ConsoleUserRepository: Sendable {
    /// A change may carry its action log line, written in the same transaction.
    func insert(_ user: ConsoleUser, log: ActionLogEntry?) throws -> ConsoleUser
    func update(_ user: ConsoleUser) throws
    /// The user as changed, its sessions ended, and the line: one transaction.
    func update(_ user: ConsoleUser, endingSessions: Bool, log: ActionLogEntry?) throws
    func consoleUsers() throws -> [ConsoleUser]
    func consoleUser(id: Int64) throws -> ConsoleUser?
    func consoleUser(named name: String) throws -> ConsoleUser?
    func removeConsoleUser(named name: String, log: ActionLogEntry?) throws
    /// Whether any admin exists: without one, `serve` offers a one-time setup link.
    func hasConsoleAdmin() throws -> Bool
    /// Records a TOTP step as used, unless it or a later one already was: false for a replay.
    func claimTOTPStep(userId: Int64, step: Int64) throws -> Bool
    /// Removes one recovery code (by its hash): false when it was not there.
    func useRecoveryCode(userId: Int64, hash: String) throws -> Bool
    /// Notes a login's time and address, and nothing else of the row: the second factor has
    /// just changed it (the TOTP step used, a recovery code spent).
    func recordConsoleLogin(userId: Int64, at date: Date, source: String) throws

    func insert(_ session: ConsoleSession) throws
    /// The session of a token hash, if it has not expired at `now`.
    func consoleSession(tokenHash: String, now: Date) throws -> ConsoleSession?
    func update(_ session: ConsoleSession) throws
    func removeConsoleSession(tokenHash: String) throws
    @discardableResult func removeExpiredConsoleSessions(now: Date) throws -> Int
}

extension ConsoleUserRepository {
    public func insert(_ user: ConsoleUser) throws -> ConsoleUser { try insert(user, log: nil) }
    public func removeConsoleUser(named name: String) throws { try removeConsoleUser(named: name, log: nil) }
}

extension AppDatabase: ConsoleUserRepository {
    public func insert(_ user: ConsoleUser, log: ActionLogEntry?) throws -> ConsoleUser {
        do {
            return try write(logging: { _ in log }) { db in
                var user = user
                try user.insert(db)
                return user
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("console user \(user.name)")
        }
    }

    public func update(_ user: ConsoleUser) throws {
        try writer.write { db in try user.update(db) }
    }

    public func update(_ user: ConsoleUser, endingSessions: Bool, log: ActionLogEntry?) throws {
        try write(logging: { log }) { db in
            try user.update(db)
            if endingSessions, let id = user.id { try ConsoleSession.filter(Column("consoleUserId") == id).deleteAll(db) }
        }
    }

    public func consoleUsers() throws -> [ConsoleUser] {
        try writer.read { db in try ConsoleUser.order(Column("name")).fetchAll(db) }
    }

    public func consoleUser(id: Int64) throws -> ConsoleUser? {
        try writer.read { db in try ConsoleUser.fetchOne(db, key: id) }
    }

    public func consoleUser(named name: String) throws -> ConsoleUser? {
        try writer.read { db in try ConsoleUser.filter(Column("name") == name).fetchOne(db) }
    }

    public func removeConsoleUser(named name: String, log: ActionLogEntry?) throws {
        try write(logging: { log }) { db in
            if try ConsoleUser.filter(Column("name") == name).deleteAll(db) == 0 { throw StorageError.notFound("console user \(name)") }
        }
    }

    public func hasConsoleAdmin() throws -> Bool {
        try writer.read { db in try ConsoleUser.filter(Column("role") == ConsoleUser.Role.admin.rawValue).fetchCount(db) > 0 }
    }

    public func claimTOTPStep(userId: Int64, step: Int64) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "UPDATE consoleUser SET totpLastStep = ? WHERE id = ? AND totpLastStep < ?", arguments: [step, userId, step])
            return db.changesCount == 1
        }
    }

    public func useRecoveryCode(userId: Int64, hash: String) throws -> Bool {
        try writer.write { db in
            guard var user = try ConsoleUser.fetchOne(db, key: userId), let index = user.recoveryCodes.firstIndex(of: hash) else { return false }
            user.recoveryCodes.remove(at: index)
            try user.update(db)
            return true
        }
    }

    public func recordConsoleLogin(userId: Int64, at date: Date, source: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE consoleUser SET lastLoginAt = ?, lastLoginSource = ? WHERE id = ?", arguments: [date, source, userId])
        }
    }

    public func insert(_ session: ConsoleSession) throws {
        try writer.write { db in try session.insert(db) }
    }

    public func consoleSession(tokenHash: String, now: Date) throws -> ConsoleSession? {
        try writer.read { db in
            try ConsoleSession.filter(Column("tokenHash") == tokenHash && Column("expiresAt") > now).fetchOne(db)
        }
    }

    public func update(_ session: ConsoleSession) throws {
        try writer.write { db in try session.update(db) }
    }

    public func removeConsoleSession(tokenHash: String) throws {
        _ = try writer.write { db in try ConsoleSession.deleteOne(db, key: tokenHash) }
    }

    public func removeExpiredConsoleSessions(now: Date) throws -> Int {
        try writer.write { db in try ConsoleSession.filter(Column("expiresAt") <= now).deleteAll(db) }
    }
}

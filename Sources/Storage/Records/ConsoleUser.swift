public import Foundation
public import GRDB

/// Someone who logs in to the web console: a name, a role, a bcrypt hash of the password
/// and the TOTP second factor. A customer belongs to one account and sees only it.
public struct ConsoleUser: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Everything.
        case admin
        /// Reads everything, changes nothing.
        case operator_ = "operator"
        /// Reads its own account, devices and call records.
        case customer
    }

    public var id: Int64?
    public var name: String
    public var role: Role
    /// A customer's account; nil for the other roles.
    public var accountId: Int64?
    public var passwordHash: String
    /// The RFC 6238 shared secret in base32; nil until enrolment starts.
    public var totpSecret: String?
    /// Whether a code was shown to be right: only then is the second factor required.
    public var totpConfirmed: Bool
    public var totpLastStep: Int64
    /// SHA-256 (hex) of the unused recovery codes.
    public var recoveryCodes: [String]
    public var createdAt: Date
    public var lastLoginAt: Date?
    public var lastLoginSource: String?

    public init(name: String, role: Role, accountId: Int64? = nil, passwordHash: String, createdAt: Date) {
        self.name = name
        self.role = role
        self.accountId = accountId
        self.passwordHash = passwordHash
        self.totpConfirmed = false
        self.totpLastStep = 0
        self.recoveryCodes = []
        self.createdAt = createdAt
    }

    public static let databaseTableName = "consoleUser"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A browser's login: the SHA-256 of its cookie token, whose user, how far the login got,
/// and the token its forms must carry (CSRF).
public struct ConsoleSession: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public enum Stage: String, Codable, Sendable {
        /// The password was right; the TOTP code is still due.
        case password
        /// The password was right and no second factor is set up: enrolment comes first.
        case enrol
        /// Logged in.
        case full
    }

    public var tokenHash: String
    public var consoleUserId: Int64
    public var stage: Stage
    public var csrfToken: String
    public var source: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(tokenHash: String, consoleUserId: Int64, stage: Stage, csrfToken: String, source: String, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.consoleUserId = consoleUserId
        self.stage = stage
        self.csrfToken = csrfToken
        self.source = source
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public static let databaseTableName = "consoleSession"
}

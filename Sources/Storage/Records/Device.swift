public import Foundation
public import GRDB

/// A SIP identity of an account. The password is never stored: only the digest HA1 values
/// (RFC 7616 §3.4.2) for MD5 and SHA-256, which depend on the realm they were made for.
public struct Device: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var accountId: Int64
    public var username: String
    public var realm: String
    public var ha1MD5: String
    public var ha1SHA256: String
    /// The number it presents to providers (RFC 3325 asserted identity).
    public var callerID: String?
    /// What it may present instead of its caller ID.
    public var callerIDChoice: CallerIDChoice
    public var maxContacts: Int
    /// CIDR networks the device may register and call from; empty means anywhere.
    public var allowedNetworks: [String]
    public var maxConcurrentCalls: Int
    /// Other extensions that ring it (short numbers like "1001"), besides its username.
    public var aliases: [String]
    public var createdAt: Date

    public init(
        accountId: Int64, username: String, realm: String, ha1MD5: String, ha1SHA256: String, createdAt: Date
    ) {
        self.accountId = accountId
        self.username = username
        self.realm = realm
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
        self.maxContacts = 3
        self.allowedNetworks = []
        self.maxConcurrentCalls = 2
        self.aliases = []
        self.callerIDChoice = .account
        self.createdAt = createdAt
    }

    public enum CallerIDChoice: String, Codable, Sendable, CaseIterable {
        /// Its caller ID, or any DID of its account it asks for (From or
        /// P-Preferred-Identity).
        case account
        /// Always its caller ID.
        case fixed
    }

    public static let databaseTableName = "device"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

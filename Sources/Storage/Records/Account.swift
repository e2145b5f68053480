public import Foundation
public import GRDB

/// The paying customer. New accounts get the secure defaults: prepaid, zero balance, no
/// credit (a leaked password then cannot run up a bill), at most 10 calls at once.
public struct Account: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public enum Billing: String, Codable, Sendable, CaseIterable {
        case prepaid, postpaid
    }

    public var id: Int64?
    public var name: String
    public var billing: Billing
    /// Millionths of the currency unit.
    public var balanceMicros: Int64
    /// How far below zero a postpaid account may go, in millionths.
    public var creditLimitMicros: Int64
    public var blocked: Bool
    public var blockedReason: String?
    /// When a timed block ends (the server lifts it then); nil: until an operator lifts it.
    public var blockedUntil: Date?
    public var createdAt: Date
    /// Calls it may have at once, over all its devices.
    public var maxConcurrentCalls: Int
    /// The longest a call may last, in seconds; nil: the server's global limit.
    public var maxCallSeconds: Int?
    /// Number prefixes (in the form route prefixes use) its calls may reach; empty: any
    /// the deny lists leave.
    public var allowedPrefixes: [String]
    /// Number prefixes its calls may not reach.
    public var deniedPrefixes: [String]
    /// Its devices may transfer calls (REFER); the transferred calls are billed to it.
    public var allowsTransfers: Bool

    public init(name: String, createdAt: Date) {
        self.name = name
        self.billing = .prepaid
        self.balanceMicros = 0
        self.creditLimitMicros = 0
        self.blocked = false
        self.createdAt = createdAt
        self.maxConcurrentCalls = 10
        self.allowedPrefixes = []
        self.deniedPrefixes = []
        self.allowsTransfers = false
    }

    public static let databaseTableName = "account"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

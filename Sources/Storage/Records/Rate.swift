public import Foundation
public import GRDB

/// What calls to numbers starting with `prefix` cost. An account's own rate of a prefix
/// applies instead of the default rate (no `accountId`) of the same prefix. Money is in
/// millionths of the currency unit, as everywhere in the database.
public struct Rate: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    /// nil: the default rate, for every account without its own rate of the prefix.
    public var accountId: Int64?
    /// The form route prefixes use: `+44`, `+` alone, or a national prefix.
    public var prefix: String
    public var pricePerMinuteMicros: Int64
    /// Charged once per answered call.
    public var connectionFeeMicros: Int64
    /// Calls are billed in steps of this many seconds (60: per started minute).
    public var incrementSeconds: Int
    /// The shortest duration an answered call is billed for.
    public var minimumSeconds: Int
    public var createdAt: Date

    public init(
        accountId: Int64? = nil, prefix: String, pricePerMinuteMicros: Int64, connectionFeeMicros: Int64 = 0,
        incrementSeconds: Int = 1, minimumSeconds: Int = 0, createdAt: Date
    ) {
        self.accountId = accountId
        self.prefix = prefix
        self.pricePerMinuteMicros = pricePerMinuteMicros
        self.connectionFeeMicros = connectionFeeMicros
        self.incrementSeconds = incrementSeconds
        self.minimumSeconds = minimumSeconds
        self.createdAt = createdAt
    }

    public static let databaseTableName = "rate"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

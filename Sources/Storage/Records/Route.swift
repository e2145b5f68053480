public import Foundation
public import GRDB

/// An outbound route: numbers starting with `prefix` may go to a provider, which receives
/// them rewritten (`strip` leading characters of the international form removed, `add` put
/// in front, then the provider's tech prefix). Several providers of one prefix are tried in
/// `priority` order, lowest first.
public struct Route: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    /// `+` and digits (`+44`, or `+` alone for every international number), or a national
    /// prefix of digits, `*` and `#`: the form numbers are matched in.
    public var prefix: String
    public var providerId: Int64
    /// Lower first.
    public var priority: Int
    public var strip: Int
    /// Digits, `+`, `*` and `#`.
    public var add: String
    public var createdAt: Date

    public init(prefix: String, providerId: Int64, priority: Int = 0, strip: Int = 0, add: String = "", createdAt: Date) {
        self.prefix = prefix
        self.providerId = providerId
        self.priority = priority
        self.strip = strip
        self.add = add
        self.createdAt = createdAt
    }

    public static let databaseTableName = "route"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

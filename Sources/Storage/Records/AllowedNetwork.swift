public import Foundation
public import GRDB

/// A network the Guard never bans (the operator's office, a provider, a monitoring host), and
/// that `sipwarden ban add` refuses to ban.
public struct AllowedNetwork: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    /// Canonical CIDR text, as for `Ban.network`; unique.
    public var network: String
    public var note: String
    public var createdAt: Date
    /// `cli`, `console` or `api`.
    public var createdBy: String

    public init(network: String, note: String = "", createdAt: Date, createdBy: String) {
        self.network = network
        self.note = note
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    public static let databaseTableName = "allowedNetwork"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

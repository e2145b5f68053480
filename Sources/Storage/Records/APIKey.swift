public import Foundation
public import GRDB

/// A key for the event channel (and the API): its name, its role, and the SHA-256 of the
/// key in hex. The key itself is shown once, when made, and never stored.
public struct APIKey: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Everything, events included.
        case admin
        /// Reads only (events included).
        case operator_ = "operator"
    }

    public var id: Int64?
    public var name: String
    public var role: Role
    public var keyHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(name: String, role: Role, keyHash: String, createdAt: Date) {
        self.name = name
        self.role = role
        self.keyHash = keyHash
        self.createdAt = createdAt
    }

    public static let databaseTableName = "apiKey"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

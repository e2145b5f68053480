public import Foundation
import GRDB

/// Keys of the event channel and the API, behind a protocol so that another database can
/// implement it.
public protocol APIKeyRepository: Sendable {
    func insert(_ key: APIKey) throws -> APIKey
    func apiKeys() throws -> [APIKey]
    /// The key whose SHA-256 (hex) is `hash`.
    func apiKey(hash: String) throws -> APIKey?
    func removeAPIKey(named name: String) throws
    func touchAPIKey(id: Int64, at date: Date) throws
}

extension AppDatabase: APIKeyRepository {
    public func insert(_ key: APIKey) throws -> APIKey {
        do {
            return try writer.write { db in
                var key = key
                try key.insert(db)
                return key
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("API key \(key.name)")
        }
    }

    public func apiKeys() throws -> [APIKey] {
        try writer.read { db in try APIKey.order(Column("name")).fetchAll(db) }
    }

    public func apiKey(hash: String) throws -> APIKey? {
        try writer.read { db in try APIKey.filter(Column("keyHash") == hash).fetchOne(db) }
    }

    public func removeAPIKey(named name: String) throws {
        let deleted = try writer.write { db in try APIKey.filter(Column("name") == name).deleteAll(db) }
        if deleted == 0 { throw StorageError.notFound("API key \(name)") }
    }

    public func touchAPIKey(id: Int64, at date: Date) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE apiKey SET lastUsedAt = ? WHERE id = ?", arguments: [date, id])
        }
    }
}

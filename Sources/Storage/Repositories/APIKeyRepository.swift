public import Foundation
import GRDB

/// Keys of the event channel and the API, behind a protocol so that another database can
/// implement it. A change may carry its action log line, written in the same transaction.
public protocol APIKeyRepository: Sendable {
    func insert(_ key: APIKey, log: ActionLogLine<APIKey>?) throws -> APIKey
    func apiKeys() throws -> [APIKey]
    /// The key whose SHA-256 (hex) is `hash`.
    func apiKey(hash: String) throws -> APIKey?
    func removeAPIKey(named name: String, log: ActionLogEntry?) throws
    func touchAPIKey(id: Int64, at date: Date) throws
}

extension APIKeyRepository {
    public func insert(_ key: APIKey) throws -> APIKey { try insert(key, log: nil) }
    public func removeAPIKey(named name: String) throws { try removeAPIKey(named: name, log: nil) }
}

extension AppDatabase: APIKeyRepository {
    public func insert(_ key: APIKey, log: ActionLogLine<APIKey>?) throws -> APIKey {
        do {
            return try write(logging: log) { db in
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

    public func removeAPIKey(named name: String, log: ActionLogEntry?) throws {
        try write(logging: { log }) { db in
            if try APIKey.filter(Column("name") == name).deleteAll(db) == 0 { throw StorageError.notFound("API key \(name)") }
        }
    }

    public func touchAPIKey(id: Int64, at date: Date) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE apiKey SET lastUsedAt = ? WHERE id = ?", arguments: [date, id])
        }
    }
}

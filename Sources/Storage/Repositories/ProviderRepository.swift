import GRDB

/// Providers, behind a protocol so that another database can implement it.
public protocol ProviderRepository: Sendable {
    func insert(_ provider: Provider) throws -> Provider
    func provider(id: Int64) throws -> Provider?
    func provider(named name: String) throws -> Provider?
    /// Every provider, by name.
    func providers() throws -> [Provider]
    func update(_ provider: Provider) throws
    /// Removes a provider and its registration status.
    func removeProvider(id: Int64) throws
}

extension AppDatabase: ProviderRepository {
    public func insert(_ provider: Provider) throws -> Provider {
        do {
            return try writer.write { db in
                var provider = provider
                try provider.insert(db)
                return provider
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("provider \(provider.name)")
        }
    }

    public func provider(id: Int64) throws -> Provider? {
        try writer.read { db in try Provider.fetchOne(db, key: id) }
    }

    public func provider(named name: String) throws -> Provider? {
        try writer.read { db in try Provider.filter(Column("name") == name).fetchOne(db) }
    }

    public func providers() throws -> [Provider] {
        try writer.read { db in try Provider.order(Column("name")).fetchAll(db) }
    }

    public func update(_ provider: Provider) throws {
        do {
            try writer.write { db in try provider.update(db) }
        } catch is RecordError {
            throw StorageError.notFound("provider \(provider.id.map(String.init) ?? "?")")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("provider \(provider.name)")
        }
    }

    public func removeProvider(id: Int64) throws {
        let deleted = try writer.write { db in try Provider.deleteOne(db, key: id) }
        if !deleted { throw StorageError.notFound("provider \(id)") }
    }
}

import GRDB

/// Providers, behind a protocol so that another database can implement it. A change may
/// carry its action log line, written in the same transaction.
public protocol ProviderRepository: Sendable {
    func insert(_ provider: Provider, log: ActionLogLine<Provider>?) throws -> Provider
    func provider(id: Int64) throws -> Provider?
    func provider(named name: String) throws -> Provider?
    /// Every provider, by name.
    func providers() throws -> [Provider]
    func update(_ provider: Provider, log: ActionLogEntry?) throws
    /// Removes a provider and its registration status.
    func removeProvider(id: Int64, log: ActionLogEntry?) throws
}

extension ProviderRepository {
    public func insert(_ provider: Provider) throws -> Provider { try insert(provider, log: nil) }
    public func update(_ provider: Provider) throws { try update(provider, log: nil) }
    public func removeProvider(id: Int64) throws { try removeProvider(id: id, log: nil) }
}

extension AppDatabase: ProviderRepository {
    public func insert(_ provider: Provider, log: ActionLogLine<Provider>?) throws -> Provider {
        do {
            return try write(logging: log) { db in
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

    public func update(_ provider: Provider, log: ActionLogEntry?) throws {
        do {
            try write(logging: { log }) { db in try provider.update(db) }
        } catch is RecordError {
            throw StorageError.notFound("provider \(provider.id.map(String.init) ?? "?")")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("provider \(provider.name)")
        }
    }

    public func removeProvider(id: Int64, log: ActionLogEntry?) throws {
        try write(logging: { log }) { db in
            if try !Provider.deleteOne(db, key: id) { throw StorageError.notFound("provider \(id)") }
        }
    }
}

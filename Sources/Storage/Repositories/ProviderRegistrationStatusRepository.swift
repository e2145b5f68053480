import GRDB

/// The state of the server's registration to each provider, behind a protocol so that
/// another database can implement it.
public protocol ProviderRegistrationStatusRepository: Sendable {
    /// Inserts or replaces the status of `status.providerId`.
    func saveProviderRegistrationStatus(_ status: ProviderRegistrationStatus) throws
    /// Every status, by provider id.
    func providerRegistrationStatuses() throws -> [ProviderRegistrationStatus]
}

extension AppDatabase: ProviderRegistrationStatusRepository {
    public func saveProviderRegistrationStatus(_ status: ProviderRegistrationStatus) throws {
        do {
            try writer.write { db in try status.upsert(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StorageError.notFound("provider \(status.providerId)")
        }
    }

    public func providerRegistrationStatuses() throws -> [ProviderRegistrationStatus] {
        try writer.read { db in try ProviderRegistrationStatus.order(Column("providerId")).fetchAll(db) }
    }
}

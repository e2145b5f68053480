import GRDB

/// The networks the Guard never bans, behind a protocol so that another database can
/// implement it.
public protocol AllowedNetworkRepository: Sendable {
    /// Adds a network; a network already in the list is refused (`StorageError.duplicate`).
    @discardableResult
    func addAllowedNetwork(_ network: AllowedNetwork) throws -> AllowedNetwork
    /// Every allowed network, oldest first.
    func allowedNetworks() throws -> [AllowedNetwork]
    /// Removes exactly this network; false when it was not in the list.
    func removeAllowedNetwork(network: String) throws -> Bool
}

extension AppDatabase: AllowedNetworkRepository {
    @discardableResult
    public func addAllowedNetwork(_ network: AllowedNetwork) throws -> AllowedNetwork {
        do {
            return try writer.write { db in
                var network = network
                try network.insert(db)
                return network
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("allowed network \(network.network)")
        }
    }

    public func allowedNetworks() throws -> [AllowedNetwork] {
        try writer.read { db in try AllowedNetwork.order(Column("createdAt"), Column("id")).fetchAll(db) }
    }

    public func removeAllowedNetwork(network: String) throws -> Bool {
        try writer.write { db in try AllowedNetwork.filter(Column("network") == network).deleteAll(db) > 0 }
    }
}

import GRDB

/// The networks the Guard never bans, behind a protocol so that another database can
/// implement it. A change may carry its action log line, written in the same transaction.
public protocol AllowedNetworkRepository: Sendable {
    /// Adds a network; a network already in the list is refused (`StorageError.duplicate`).
    @discardableResult
    func addAllowedNetwork(_ network: AllowedNetwork, log: ActionLogLine<AllowedNetwork>?) throws -> AllowedNetwork
    /// Every allowed network, oldest first.
    func allowedNetworks() throws -> [AllowedNetwork]
    /// Removes exactly this network; false when it was not in the list (and no line is written).
    func removeAllowedNetwork(network: String, log: ActionLogEntry?) throws -> Bool
}

extension AllowedNetworkRepository {
    @discardableResult
    public func addAllowedNetwork(_ network: AllowedNetwork) throws -> AllowedNetwork { try addAllowedNetwork(network, log: nil) }
    public func removeAllowedNetwork(network: String) throws -> Bool { try removeAllowedNetwork(network: network, log: nil) }
}

extension AppDatabase: AllowedNetworkRepository {
    @discardableResult
    public func addAllowedNetwork(_ network: AllowedNetwork, log: ActionLogLine<AllowedNetwork>?) throws -> AllowedNetwork {
        do {
            return try write(logging: log) { db in
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

    public func removeAllowedNetwork(network: String, log: ActionLogEntry?) throws -> Bool {
        try write(logging: { removed in removed ? log : nil }) { db in
            try AllowedNetwork.filter(Column("network") == network).deleteAll(db) > 0
        }
    }
}

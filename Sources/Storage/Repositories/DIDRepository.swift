import GRDB

/// DIDs, behind a protocol so that another database can implement it.
public protocol DIDRepository: Sendable {
    func insert(_ did: DID) throws -> DID
    /// Every DID, by number.
    func dids() throws -> [DID]
    func did(number: String) throws -> DID?
    func removeDID(number: String) throws
}

extension AppDatabase: DIDRepository {
    public func insert(_ did: DID) throws -> DID {
        do {
            return try writer.write { db in
                var did = did
                try did.insert(db)
                return did
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("DID \(did.number)")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StorageError.notFound("device \(did.deviceId)")
        }
    }

    public func dids() throws -> [DID] {
        try writer.read { db in try DID.order(Column("number")).fetchAll(db) }
    }

    public func did(number: String) throws -> DID? {
        try writer.read { db in try DID.filter(Column("number") == number).fetchOne(db) }
    }

    public func removeDID(number: String) throws {
        let deleted = try writer.write { db in try DID.filter(Column("number") == number).deleteAll(db) }
        if deleted == 0 { throw StorageError.notFound("DID \(number)") }
    }
}

import GRDB

/// DIDs, behind a protocol so that another database can implement it. A change may carry its
/// action log line, written in the same transaction.
public protocol DIDRepository: Sendable {
    func insert(_ did: DID, log: ActionLogLine<DID>?) throws -> DID
    /// Every DID, by number.
    func dids() throws -> [DID]
    func did(number: String) throws -> DID?
    func removeDID(number: String, log: ActionLogEntry?) throws
}

extension DIDRepository {
    public func insert(_ did: DID) throws -> DID { try insert(did, log: nil) }
    public func removeDID(number: String) throws { try removeDID(number: number, log: nil) }
}

extension AppDatabase: DIDRepository {
    public func insert(_ did: DID, log: ActionLogLine<DID>?) throws -> DID {
        do {
            return try write(logging: log) { db in
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

    public func removeDID(number: String, log: ActionLogEntry?) throws {
        try write(logging: { log }) { db in
            if try DID.filter(Column("number") == number).deleteAll(db) == 0 { throw StorageError.notFound("DID \(number)") }
        }
    }
}

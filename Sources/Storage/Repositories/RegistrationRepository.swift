public import Foundation
import GRDB

/// Registrar bindings, behind a protocol so that another database can implement it. The
/// server keeps the live table in memory and writes its changes here in batches.
public protocol RegistrationRepository: Sendable {
    /// One transaction: upserts by (deviceId, contact) (the unique key), then removals.
    func applyRegistrationChanges(upserts: [Registration], removals: [RegistrationKey]) throws
    /// The bindings of one device, or of every device when `deviceId` is nil, ordered by
    /// deviceId, contact.
    func registrations(deviceId: Int64?) throws -> [Registration]
    /// Removes bindings that expired at or before `date`; returns how many.
    func removeRegistrations(expiredBefore date: Date) throws -> Int
    /// Bindings with their device's username (for `registration list`), ordered by
    /// username, contact.
    func registrationListing() throws -> [RegistrationListing]
}

/// A binding and the username of its device.
public struct RegistrationListing: Sendable, Equatable {
    public var username: String
    public var registration: Registration

    public init(username: String, registration: Registration) {
        self.username = username
        self.registration = registration
    }
}

extension AppDatabase: RegistrationRepository {
    /// One prepared statement per row kind, reused for every row: the server writes batches
    /// of thousands, and an upsert must not cost a read and a write per row.
    public func applyRegistrationChanges(upserts: [Registration], removals: [RegistrationKey]) throws {
        guard !upserts.isEmpty || !removals.isEmpty else { return }
        do {
            try writer.write { db in
                if !upserts.isEmpty {
                    // The id of an existing binding is kept: only its values change.
                    let upsert = try db.cachedStatement(sql: """
                        INSERT INTO registration
                            (deviceId, contact, q, expiresAt, callID, cseq, sourceIP, sourcePort, transport, userAgent, updatedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(deviceId, contact) DO UPDATE SET
                            q = excluded.q, expiresAt = excluded.expiresAt, callID = excluded.callID,
                            cseq = excluded.cseq, sourceIP = excluded.sourceIP, sourcePort = excluded.sourcePort,
                            transport = excluded.transport, userAgent = excluded.userAgent, updatedAt = excluded.updatedAt
                        """)
                    for row in upserts {
                        try upsert.execute(arguments: [
                            row.deviceId, row.contact, row.q, row.expiresAt, row.callID, row.cseq,
                            row.sourceIP, row.sourcePort, row.transport, row.userAgent, row.updatedAt,
                        ])
                    }
                }
                if !removals.isEmpty {
                    let delete = try db.cachedStatement(sql: "DELETE FROM registration WHERE deviceId = ? AND contact = ?")
                    for key in removals {
                        try delete.execute(arguments: [key.deviceId, key.contact])
                    }
                }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            // The device was removed (by the CLI) while its bindings were queued: the whole
            // batch is refused, so the caller must drop that device's rows and retry.
            throw StorageError.notFound("device of a registration")
        }
    }

    public func registrations(deviceId: Int64?) throws -> [Registration] {
        try writer.read { db in
            var request = Registration.order(Column("deviceId"), Column("contact"))
            if let deviceId { request = request.filter(Column("deviceId") == deviceId) }
            return try request.fetchAll(db)
        }
    }

    public func removeRegistrations(expiredBefore date: Date) throws -> Int {
        try writer.write { db in
            try Registration.filter(Column("expiresAt") <= date).deleteAll(db)
        }
    }

    public func registrationListing() throws -> [RegistrationListing] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT registration.*, device.username AS deviceUsername
                FROM registration JOIN device ON device.id = registration.deviceId
                ORDER BY device.username, registration.contact
                """)
            return try rows.map { row in
                RegistrationListing(username: row["deviceUsername"], registration: try Registration(row: row))
            }
        }
    }
}

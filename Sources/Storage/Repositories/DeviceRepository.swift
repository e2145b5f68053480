import GRDB

/// Devices, behind a protocol so that another database can implement it. A change may carry
/// its action log line, written in the same transaction.
public protocol DeviceRepository: Sendable {
    func insert(_ device: Device) throws -> Device
    /// Creates every device (and the new accounts they ask for) in one transaction: all of
    /// them, or none when one is refused.
    func insert(_ provisions: [DeviceProvision], log: ActionLogLine<[Device]>?) throws -> [Device]
    func device(id: Int64) throws -> Device?
    /// The device with exactly this SIP username (case-sensitive, RFC 3261 §19.1.2).
    func device(username: String) throws -> Device?
    func devices(accountId: Int64?) throws -> [Device]
    func update(_ device: Device, log: ActionLogEntry?) throws
    func removeDevice(id: Int64, log: ActionLogEntry?) throws
}

extension DeviceRepository {
    public func insert(_ provisions: [DeviceProvision]) throws -> [Device] { try insert(provisions, log: nil) }
    public func update(_ device: Device) throws { try update(device, log: nil) }
    public func removeDevice(id: Int64) throws { try removeDevice(id: id, log: nil) }
}

extension AppDatabase: DeviceRepository {
    public func insert(_ device: Device) throws -> Device {
        do {
            return try writer.write { db in
                var device = device
                try device.insert(db)
                return device
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("device \(device.username)")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StorageError.notFound("account \(device.accountId)")
        }
    }

    public func insert(_ provisions: [DeviceProvision], log: ActionLogLine<[Device]>?) throws -> [Device] {
        try write(logging: log) { db in
            var created: [Device] = []
            created.reserveCapacity(provisions.count)
            for provision in provisions {
                var device = provision.device
                if var account = provision.newAccount {
                    do {
                        try account.insert(db)
                    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                        throw StorageError.duplicate("account \(account.name)")
                    }
                    if let id = account.id { device.accountId = id }
                }
                do {
                    try device.insert(db)
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw StorageError.duplicate("device \(device.username)")
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                    throw StorageError.notFound("account \(device.accountId)")
                }
                created.append(device)
            }
            return created
        }
    }

    public func device(id: Int64) throws -> Device? {
        try writer.read { db in try Device.fetchOne(db, key: id) }
    }

    public func device(username: String) throws -> Device? {
        try writer.read { db in try Device.filter(Column("username") == username).fetchOne(db) }
    }

    public func devices(accountId: Int64?) throws -> [Device] {
        try writer.read { db in
            var request = Device.order(Column("username"))
            if let accountId { request = request.filter(Column("accountId") == accountId) }
            return try request.fetchAll(db)
        }
    }

    public func update(_ device: Device, log: ActionLogEntry?) throws {
        do {
            try write(logging: { log }) { db in try device.update(db) }
        } catch is RecordError {
            throw StorageError.notFound("device \(device.id.map(String.init) ?? "?")")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("device \(device.username)")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StorageError.notFound("account \(device.accountId)")
        }
    }

    public func removeDevice(id: Int64, log: ActionLogEntry?) throws {
        try write(logging: { log }) { db in
            if try !Device.deleteOne(db, key: id) { throw StorageError.notFound("device \(id)") }
        }
    }
}

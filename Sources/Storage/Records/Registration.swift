public import Foundation
public import GRDB

/// A registrar binding (RFC 3261 §10.3): one contact of one device, until `expiresAt`. The
/// source address is kept because a device behind NAT is reached where its REGISTER came
/// from, not at its Contact.
public struct Registration: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var deviceId: Int64
    /// The Contact URI, as registered.
    public var contact: String
    /// RFC 3261 §10.2.1.2: the contact's preference, 0 to 1; nil when not given.
    public var q: Double?
    public var expiresAt: Date
    /// RFC 3261 §10.3 step 7: a refresh with the same Call-ID must have a higher CSeq.
    public var callID: String
    public var cseq: Int64
    public var sourceIP: String
    public var sourcePort: Int
    /// "udp", "tcp" or "tls".
    public var transport: String
    /// As sent by the device: attacker-controlled text.
    public var userAgent: String?
    public var updatedAt: Date

    public init(
        deviceId: Int64, contact: String, q: Double? = nil, expiresAt: Date, callID: String, cseq: Int64,
        sourceIP: String, sourcePort: Int, transport: String, userAgent: String? = nil, updatedAt: Date
    ) {
        self.deviceId = deviceId
        self.contact = contact
        self.q = q
        self.expiresAt = expiresAt
        self.callID = callID
        self.cseq = cseq
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.transport = transport
        self.userAgent = userAgent
        self.updatedAt = updatedAt
    }

    /// The binding's unique key.
    public var key: RegistrationKey { RegistrationKey(deviceId: deviceId, contact: contact) }

    public static let databaseTableName = "registration"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// What identifies a binding: RFC 3261 §10.3 step 8 matches contacts of one address-of-record.
public struct RegistrationKey: Hashable, Sendable {
    public var deviceId: Int64
    public var contact: String

    public init(deviceId: Int64, contact: String) {
        self.deviceId = deviceId
        self.contact = contact
    }
}

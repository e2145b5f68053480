public import Foundation
public import GRDB

/// A request the server could not attribute to a device, a provider or a guest: kept so that
/// the operator can see who is probing and why they were turned away. Every text field is
/// as sent by the peer: attacker-controlled.
public struct UnidentifiedAttempt: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var occurredAt: Date
    public var sourceIP: String
    public var sourcePort: Int
    public var transport: String
    public var method: String
    public var requestURI: String
    public var fromHeader: String
    public var toHeader: String
    public var contact: String?
    public var userAgent: String?
    public var callID: String
    /// Why it was refused, e.g. "bad credentials", "challenge not answered".
    public var reason: String
    /// The username of the Authorization header, when there was one.
    public var username: String?

    public init(
        occurredAt: Date, sourceIP: String, sourcePort: Int, transport: String, method: String, requestURI: String,
        fromHeader: String, toHeader: String, contact: String? = nil, userAgent: String? = nil, callID: String,
        reason: String, username: String? = nil
    ) {
        self.occurredAt = occurredAt
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.transport = transport
        self.method = method
        self.requestURI = requestURI
        self.fromHeader = fromHeader
        self.toHeader = toHeader
        self.contact = contact
        self.userAgent = userAgent
        self.callID = callID
        self.reason = reason
        self.username = username
    }

    public static let databaseTableName = "unidentifiedAttempt"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

public import Foundation
public import GRDB

/// A carrier. Its requests are recognised by their source address (`identification` ip), or
/// the server registers to it (RFC 3261 §10.2) and recognises what arrives on that binding.
/// As for devices, the registration password is never stored: only its HA1 values for the
/// realm it is used in (RFC 7616 §3.4.2).
public struct Provider: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public enum Transport: String, Codable, Sendable, CaseIterable {
        case udp, tcp, tls
    }

    public enum Identification: String, Codable, Sendable, CaseIterable {
        /// Requests from one of `hosts` (and `port`, when set) come from this provider.
        case ip
        /// The server registers to the provider with the register credentials.
        case registration
    }

    /// What a refreshing REGISTER uses as Call-ID.
    public enum RegisterCallID: String, Codable, Sendable, CaseIterable {
        /// The same Call-ID for every refresh, as RFC 3261 §10.2.4 asks ("SHOULD").
        case keep
        /// A fresh Call-ID each time, for the providers that need it.
        case new
    }

    public var id: Int64?
    public var name: String
    /// IP addresses or host names.
    public var hosts: [String]
    /// nil: any source port.
    public var port: Int?
    public var transport: Transport
    /// Prepended to the number of calls sent to this provider.
    public var techPrefix: String
    public var identification: Identification
    public var registerUsername: String?
    public var registerRealm: String?
    public var registerHA1MD5: String?
    public var registerHA1SHA256: String?
    /// Seconds asked for in the Expires of the REGISTER.
    public var registerExpires: Int
    public var registerCallID: RegisterCallID
    public var enabled: Bool
    /// In the RFC 3325 trust domain: P-Asserted-Identity is accepted from it and sent to it.
    public var trustedIdentity: Bool
    public var createdAt: Date

    /// A provider identified by IP on any port over UDP, enabled.
    public init(name: String, hosts: [String], createdAt: Date) {
        self.name = name
        self.hosts = hosts
        self.port = nil
        self.transport = .udp
        self.techPrefix = ""
        self.identification = .ip
        self.registerExpires = 3_600
        self.registerCallID = .keep
        self.enabled = true
        self.trustedIdentity = true
        self.createdAt = createdAt
    }

    public static let databaseTableName = "provider"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

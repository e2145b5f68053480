public import SecurityEvents

/// What the server needs of a device to authenticate it and accept its registrations: a
/// copy of its database row, never its password.
public struct DeviceCredentials: Sendable, Equatable {
    public var id: Int64
    public var accountId: Int64
    public var username: String
    /// The realm the HA1 values were made for.
    public var realm: String
    public var ha1MD5: String
    public var ha1SHA256: String
    public var maxContacts: Int
    /// Networks the device may register and call from; empty means anywhere.
    public var allowedNetworks: [IPNetwork]
    /// The number it presents to providers; nil: a DID of its own, or of its account.
    public var callerID: String?
    /// Whether it may present any DID of its account instead of its caller ID.
    public var callerIDChoice: CallerIDChoice

    /// What a device may present as its number (RFC 3325 asserted identity).
    public enum CallerIDChoice: String, Sendable, Equatable {
        /// Its caller ID, or any DID of its account it asks for (From or
        /// P-Preferred-Identity).
        case account
        /// Always its caller ID.
        case fixed
    }

    public init(
        id: Int64, accountId: Int64, username: String, realm: String, ha1MD5: String, ha1SHA256: String,
        maxContacts: Int = 3, allowedNetworks: [IPNetwork] = [], callerID: String? = nil, callerIDChoice: CallerIDChoice = .account
    ) {
        self.id = id
        self.accountId = accountId
        self.username = username
        self.realm = realm
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
        self.maxContacts = maxContacts
        self.allowedNetworks = allowedNetworks
        self.callerID = callerID
        self.callerIDChoice = callerIDChoice
    }

    /// Whether a request from `ip` (raw bytes) may use this device.
    public func admits(_ ip: [UInt8]) -> Bool {
        allowedNetworks.isEmpty || allowedNetworks.contains { $0.contains(ip) }
    }
}

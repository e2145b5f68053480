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

    public init(
        id: Int64, accountId: Int64, username: String, realm: String, ha1MD5: String, ha1SHA256: String,
        maxContacts: Int = 3, allowedNetworks: [IPNetwork] = []
    ) {
        self.id = id
        self.accountId = accountId
        self.username = username
        self.realm = realm
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
        self.maxContacts = maxContacts
        self.allowedNetworks = allowedNetworks
    }

    /// Whether a request from `ip` (raw bytes) may use this device.
    public func admits(_ ip: [UInt8]) -> Bool {
        allowedNetworks.isEmpty || allowedNetworks.contains { $0.contains(ip) }
    }
}

/// The device options shared by `device add` and `device set`, as typed; nil or empty when
/// not given.
public struct DeviceSettings: Sendable, Equatable {
    /// An account name or id.
    public var account: String?
    public var callerID: String?
    /// `account` or `fixed`.
    public var callerIDChoice: String?
    public var maxContacts: String?
    public var allowedNetworks: [String]
    public var clearAllowedNetworks: Bool
    public var maxCalls: String?
    /// Comma-separated extensions; empty clears them.
    public var aliases: String?

    public init(
        account: String? = nil, callerID: String? = nil, maxContacts: String? = nil, allowedNetworks: [String] = [],
        clearAllowedNetworks: Bool = false, maxCalls: String? = nil, aliases: String? = nil, callerIDChoice: String? = nil
    ) {
        self.account = account
        self.callerID = callerID
        self.callerIDChoice = callerIDChoice
        self.maxContacts = maxContacts
        self.allowedNetworks = allowedNetworks
        self.clearAllowedNetworks = clearAllowedNetworks
        self.maxCalls = maxCalls
        self.aliases = aliases
    }

    /// RFC 3261 §10.3 lets a registrar bound the bindings of an address-of-record; more than
    /// a hundred phones on one identity is a mistake or an attack.
    static let maxContactsRange = 1...100
    static let maxCallsRange = 0...1_000
    static let maxAliases = 20
}

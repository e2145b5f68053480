/// The provider options of `provider add` and `provider set`, as typed; nil or empty when
/// not given.
public struct ProviderSettings: Sendable, Equatable {
    public var name: String?
    /// Replaces every host when not empty.
    public var hosts: [String]
    /// A port number or "any".
    public var port: String?
    public var transport: String?
    public var techPrefix: String?
    public var identification: String?
    public var registerUsername: String?
    public var registerRealm: String?
    public var registerExpires: String?
    public var registerCallID: String?
    public var enabled: Bool?
    /// `yes` or `no`: in the RFC 3325 trust domain.
    public var trustedIdentity: String?

    public init(
        name: String? = nil, hosts: [String] = [], port: String? = nil, transport: String? = nil, techPrefix: String? = nil,
        identification: String? = nil, registerUsername: String? = nil, registerRealm: String? = nil,
        registerExpires: String? = nil, registerCallID: String? = nil, enabled: Bool? = nil, trustedIdentity: String? = nil
    ) {
        self.name = name
        self.hosts = hosts
        self.port = port
        self.transport = transport
        self.techPrefix = techPrefix
        self.identification = identification
        self.registerUsername = registerUsername
        self.registerRealm = registerRealm
        self.registerExpires = registerExpires
        self.registerCallID = registerCallID
        self.enabled = enabled
        self.trustedIdentity = trustedIdentity
    }

    /// RFC 3261 §10.2.1.1 leaves the duration to the client; under a minute floods the
    /// provider, over a day leaves a dead binding in place too long.
    static let registerExpiresRange = 60...86_400
    /// The registration target's port when none is given: RFC 3261 §19.1.1, 5060, or 5061
    /// for TLS.
    static func defaultRegistrationPort(_ transport: String) -> Int {
        transport == "tls" ? 5061 : 5060
    }
}

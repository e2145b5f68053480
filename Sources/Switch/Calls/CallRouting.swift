/// What the switch routes calls with, as one immutable snapshot of the database and the
/// configuration: the dial plan, the accounts' rules and limits, the devices' limits, the
/// providers' addresses and the rates. Rebuilt when the database changes.
public struct CallRouting: Sendable {
    /// An account as routing sees it (its money is the ledger's).
    public struct AccountPolicy: Sendable, Equatable {
        public var blocked: Bool
        public var blockedReason: String?
        public var rules: DestinationPolicy.AccountRules
        public var maxConcurrentCalls: Int
        /// nil: the switch's limit.
        public var maxCallSeconds: Int?
        /// Its devices may transfer calls (REFER); the new calls are billed to it.
        public var allowsTransfers: Bool

        public init(blocked: Bool = false, blockedReason: String? = nil, rules: DestinationPolicy.AccountRules = .init(),
                    maxConcurrentCalls: Int = 10, maxCallSeconds: Int? = nil, allowsTransfers: Bool = false) {
            self.blocked = blocked
            self.blockedReason = blockedReason
            self.rules = rules
            self.maxConcurrentCalls = maxConcurrentCalls
            self.maxCallSeconds = maxCallSeconds
            self.allowsTransfers = allowsTransfers
        }
    }

    /// Where calls to a provider go.
    public struct ProviderTarget: Sendable, Equatable {
        public var id: Int64
        public var name: String
        /// The host written in the Request-URI (`sip:NUMBER@host:port`).
        public var host: String
        public var port: Int
        /// The resolved address; nil when the host does not resolve (the attempt fails over).
        public var endpoint: CallEndpoint?
        /// In the RFC 3325 trust domain: it gets P-Asserted-Identity.
        public var trustedIdentity: Bool

        public init(id: Int64, name: String, host: String, port: Int, endpoint: CallEndpoint?, trustedIdentity: Bool = true) {
            self.id = id
            self.name = name
            self.host = host
            self.port = port
            self.endpoint = endpoint
            self.trustedIdentity = trustedIdentity
        }
    }

    public var plan: DialPlan
    public var accounts: [Int64: AccountPolicy]
    /// Concurrent-call limits of devices, by id.
    public var deviceLimits: [Int64: Int]
    public var providers: [Int64: ProviderTarget]
    public var rates: RateTable

    public init(
        plan: DialPlan = DialPlan(routes: [], policy: DestinationPolicy(denyList: [])), accounts: [Int64: AccountPolicy] = [:],
        deviceLimits: [Int64: Int] = [:], providers: [Int64: ProviderTarget] = [:], rates: RateTable = RateTable()
    ) {
        self.plan = plan
        self.accounts = accounts
        self.deviceLimits = deviceLimits
        self.providers = providers
        self.rates = rates
    }
}

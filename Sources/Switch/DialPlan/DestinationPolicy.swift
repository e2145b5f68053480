/// Which destinations an outbound call may reach: the switch-wide deny list of premium-rate
/// and high-risk prefixes (shipped in `config/high-risk-prefixes.txt`, editable), and each
/// account's own allowed and denied prefixes. The most specific rule wins; on equal length an
/// account's own rule wins over the deny list, and an account's deny over its allow. Prefixes
/// are matched against the number's international form (`DialledNumber.ruleForm`), so `00`
/// and `+` cannot slip past a rule written for the other.
public struct DestinationPolicy: Sendable {
    public struct DenyEntry: Sendable, Equatable {
        public var prefix: String
        /// Why it is denied ("premium rate", "satellite"...), shown in refusals and CDRs.
        public var reason: String

        public init(prefix: String, reason: String) {
            self.prefix = prefix
            self.reason = reason
        }
    }

    /// An account's own rules.
    public struct AccountRules: Sendable, Equatable {
        /// Prefixes the account may call; empty: anything the deny lists leave.
        public var allowed: [String]
        public var denied: [String]

        public init(allowed: [String] = [], denied: [String] = []) {
            self.allowed = allowed
            self.denied = denied
        }
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Refused by the switch-wide deny list (the prefix and its reason).
        case highRisk(prefix: String, reason: String)
        /// Refused by the account's own denied prefixes.
        case deniedForAccount(prefix: String)
        /// The account has an allow-list and the number is not in it.
        case notInAllowedList
    }

    private let denyList: PrefixTable<String>

    public init(denyList: [DenyEntry]) {
        self.denyList = PrefixTable(denyList.map { ($0.prefix, $0.reason) })
    }

    /// The deny-list entry a number falls under, whatever any account allows: what the
    /// fraud monitors count as a call to a high-risk destination.
    public func highRiskEntry(for number: DialledNumber) -> DenyEntry? {
        denyList.longestMatch(number.ruleForm).map { DenyEntry(prefix: $0.prefix, reason: $0.value) }
    }

    public func verdict(for number: DialledNumber, account: AccountRules) -> Verdict {
        let form = number.ruleForm
        let allow = PrefixTable(account.allowed.map { ($0, ()) }).longestMatch(form)?.prefix
        let deny = PrefixTable(account.denied.map { ($0, ()) }).longestMatch(form)?.prefix
        let highRisk = denyList.longestMatch(form)
        // The account's own rules first: its deny beats its allow on equal length.
        if let deny, deny.count >= (allow?.count ?? 0) {
            return .deniedForAccount(prefix: deny)
        }
        if !account.allowed.isEmpty && allow == nil {
            return .notInAllowedList
        }
        if let highRisk, highRisk.prefix.count > (allow?.count ?? -1) {
            return .highRisk(prefix: highRisk.prefix, reason: highRisk.value)
        }
        return .allowed
    }
}

/// The tariffs of the switch: the default ones and each account's own, by longest prefix
/// of the number's international form (`DialledNumber.ruleForm`). An account's own tariff
/// for a prefix wins over a default one of the same or a shorter prefix.
public struct RateTable: Sendable {
    private let defaults: PrefixTable<Tariff>
    private let byAccount: [Int64: PrefixTable<Tariff>]

    /// - Parameter rates: the account (nil for the default tariffs) and the tariff.
    public init(_ rates: [(accountId: Int64?, tariff: Tariff)] = []) {
        var defaults: [(String, Tariff)] = []
        var own: [Int64: [(String, Tariff)]] = [:]
        for (accountId, tariff) in rates {
            if let accountId {
                own[accountId, default: []].append((tariff.prefix, tariff))
            } else {
                defaults.append((tariff.prefix, tariff))
            }
        }
        self.defaults = PrefixTable(defaults)
        self.byAccount = own.mapValues { PrefixTable($0) }
    }

    /// The tariff of a call by `accountId` to `number` (its rule form); nil: no rate, the
    /// call cannot be priced and is refused.
    public func tariff(accountId: Int64, number: String) -> Tariff? {
        let own = byAccount[accountId]?.longestMatch(number)
        let fallback = defaults.longestMatch(number)
        switch (own, fallback) {
        case (let own?, let fallback?): return own.prefix.count >= fallback.prefix.count ? own.value : fallback.value
        case (let own?, nil): return own.value
        case (nil, let fallback?): return fallback.value
        case (nil, nil): return nil
        }
    }
}

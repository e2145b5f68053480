/// One set of counters: the switch's, an account's or a device's.
public enum FraudScopeKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case global
    case account(Int64)
    case device(Int64)

    /// The keys a call counts under, always in this order (switch, account, device), so that
    /// the findings of one fact come out in the same order every time.
    static func keys(accountId: Int64?, deviceId: Int64?) -> [FraudScopeKey] {
        var keys: [FraudScopeKey] = [.global]
        if let accountId { keys.append(.account(accountId)) }
        if let deviceId { keys.append(.device(deviceId)) }
        return keys
    }

    public var description: String {
        switch self {
        case .global: "switch"
        case .account(let id): "account \(id)"
        case .device(let id): "device \(id)"
        }
    }
}

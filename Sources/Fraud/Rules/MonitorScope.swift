/// Whose calls a rule watches: the whole switch's, each account's or device's separately,
/// or one particular account's or device's.
///
/// A rule for one particular account or device stands in for the rules of the same kind
/// written for every account or device: a call centre given `spend(.hour)` limits of its own
/// is measured against those alone, not also against the general ones.
public enum MonitorScope: Sendable, Hashable {
    case global
    /// nil: every account, each on its own.
    case account(Int64?)
    /// nil: every device, each on its own.
    case device(Int64?)

    public static let eachAccount = MonitorScope.account(nil)
    public static let eachDevice = MonitorScope.device(nil)

    /// Whether this is a rule for one named account or device.
    var isParticular: Bool {
        switch self {
        case .global, .account(nil), .device(nil): false
        case .account, .device: true
        }
    }

    /// Whether the rule's scope covers `key` at all (before particular rules take over).
    func covers(_ key: FraudScopeKey) -> Bool {
        switch (self, key) {
        case (.global, .global): true
        case (.account(let id), .account(let account)): id == nil || id == account
        case (.device(let id), .device(let device)): id == nil || id == device
        default: false
        }
    }
}

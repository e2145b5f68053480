/// What a level of a rule asks the server to do when it is reached. The monitor only says
/// so; the server keeps the blocks, refuses the account's new calls with a clear cause and
/// hangs calls up (detection and action are separate).
public enum FraudAction: String, Sendable, Hashable, Comparable, CaseIterable {
    /// Tell people (log, event channel, webhooks, e-mail); calls go on.
    case alert
    /// Refuse the account's new calls; calls in progress go on.
    case blockAccount
    /// Refuse the account's new calls and hang up the ones in progress: for fraud that costs
    /// by the minute, such as many simultaneous calls to premium numbers.
    case blockAccountAndHangUp

    public static func < (a: FraudAction, b: FraudAction) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .alert: 0
        case .blockAccount: 1
        case .blockAccountAndHangUp: 2
        }
    }

    public var blocksAccount: Bool { self != .alert }
    public var hangsUpCalls: Bool { self == .blockAccountAndHangUp }

    /// For alerts and the action log.
    public var phrase: String {
        switch self {
        case .alert: "alert"
        case .blockAccount: "block account"
        case .blockAccountAndHangUp: "block account and hang up its calls"
        }
    }
}

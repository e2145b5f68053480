import UnixTime
/// A rule's level reached by a scope: the figure against the threshold, the action the level
/// asks for and the context of the calls behind it. One finding per crossing: further calls
/// at the same level report nothing until the figure has fallen below the level again.
public struct FraudFinding: Sendable, Hashable, CustomStringConvertible {
    public var rule: MonitorRule
    public var level: FraudLevel
    public var scope: FraudScopeKey
    /// The rule's measure for the scope after the fact (in the kind's unit).
    public var figure: Int64
    /// The level's threshold.
    public var threshold: Int64
    public var action: FraudAction
    /// When the level was reached (Unix milliseconds, the monitor's time).
    public var at: Int64
    public var context: FraudContext

    public init(
        rule: MonitorRule, level: FraudLevel, scope: FraudScopeKey, figure: Int64, threshold: Int64, action: FraudAction, at: Int64,
        context: FraudContext
    ) {
        self.rule = rule
        self.level = level
        self.scope = scope
        self.figure = figure
        self.threshold = threshold
        self.action = action
        self.at = at
        self.context = context
    }

    /// The account to block, when the action blocks one and the call had an account.
    public var accountToBlock: Int64? { action.blocksAccount ? context.accountId : nil }

    /// When the block asked for ends; nil: until an operator lifts it (or no block).
    public var blockedUntil: Int64? {
        guard action.blocksAccount, let duration = rule.blockMillis else { return nil }
        return UnixTime.adding(at, duration)
    }

    /// "account 42: spend in the last hour at 52.30, critical level 50.00
    /// (account-spend-hour): block account".
    public var description: String {
        let unit = rule.kind.unit
        return "\(scope): \(rule.kind.phrase) at \(unit.format(figure)), \(level.rawValue) level \(unit.format(threshold))"
            + " (\(rule.name)): \(action.phrase)"
    }
}

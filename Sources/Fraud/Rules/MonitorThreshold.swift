/// One level of a rule: the figure at which it is reached (at or above) and what then.
public struct MonitorThreshold: Sendable, Hashable {
    /// At least 1: a level reached by nothing would fire on the first fact of every scope.
    public var figure: Int64
    public var action: FraudAction

    public init(_ figure: Int64, _ action: FraudAction = .alert) {
        self.figure = max(1, figure)
        self.action = action
    }
}

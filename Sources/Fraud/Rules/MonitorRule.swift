/// A monitor as configured: what it measures, whose calls, at which figures it warns and
/// turns critical, and what each level asks for. Either level may be left out.
public struct MonitorRule: Sendable, Hashable, CustomStringConvertible {
    /// Unique among the rules: alerts, the action log and duplicate suppression use it.
    public var name: String
    public var kind: MonitorKind
    public var scope: MonitorScope
    public var warning: MonitorThreshold?
    public var critical: MonitorThreshold?
    /// How long a block asked for by this rule lasts, in milliseconds; nil: until an
    /// operator lifts it.
    public var blockMillis: Int64?

    public init(
        name: String, kind: MonitorKind, scope: MonitorScope, warning: MonitorThreshold? = nil, critical: MonitorThreshold? = nil,
        blockMillis: Int64? = nil
    ) {
        self.name = name
        self.kind = kind
        self.scope = scope
        self.warning = warning
        self.critical = critical
        self.blockMillis = blockMillis.map { max(0, $0) }
    }

    /// Money in micros from whole currency units and cents (`money(20)` is 20.00).
    public static func money(_ units: Int64, cents: Int64 = 0) -> Int64 { units * 1_000_000 + cents * 10_000 }

    /// Seconds from minutes, for `callSeconds` thresholds.
    public static func minutes(_ minutes: Int64) -> Int64 { minutes * 60 }

    /// The level a figure has reached, if any.
    func level(of figure: Int64) -> FraudLevel? {
        if let critical, figure >= critical.figure { return .critical }
        if let warning, figure >= warning.figure { return .warning }
        return nil
    }

    func threshold(_ level: FraudLevel) -> MonitorThreshold? {
        switch level {
        case .warning: warning
        case .critical: critical
        }
    }

    public var description: String { name }
}

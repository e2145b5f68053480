import Fraud

/// A manual clock's worth of times and the calls the tests place. Times are Unix
/// milliseconds; nothing here reads a clock.
enum Time {
    /// 2026-01-05 00:00:00 UTC, a Monday, on a boundary of every slot length.
    static let monday: Int64 = 1_767_571_200_000
    static let second: Int64 = 1_000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
}

enum Sample {
    static func call(
        _ callID: String, account: Int64? = 42, device: Int64? = 7, number: String? = "+441632960001", country: String? = "GB",
        risky: Bool = false, sourceIP: String? = "198.51.100.7"
    ) -> FraudCall {
        FraudCall(
            callID: callID, accountId: account, deviceId: device, number: number, country: country, isRiskyDestination: risky,
            sourceIP: sourceIP)
    }

    static func rule(
        _ kind: MonitorKind, scope: MonitorScope = .eachAccount, warning: Int64? = nil, critical: Int64? = nil
    ) -> MonitorRule {
        rule("rule", kind, scope: scope, warning: warning, critical: critical)
    }

    static func rule(
        _ name: String, _ kind: MonitorKind, scope: MonitorScope = .eachAccount, warning: Int64? = nil, critical: Int64? = nil,
        criticalAction: FraudAction = .blockAccount, blockMillis: Int64? = nil
    ) -> MonitorRule {
        MonitorRule(
            name: name, kind: kind, scope: scope, warning: warning.map { MonitorThreshold($0) },
            critical: critical.map { MonitorThreshold($0, criticalAction) }, blockMillis: blockMillis)
    }
}

extension FraudMonitor {
    /// Starts `call` at `at` (now is the same moment).
    mutating func start(_ call: FraudCall, at: Int64) -> [FraudFinding] {
        record(.started(call, at: at), now: at)
    }

    mutating func end(_ call: FraudCall, at: Int64, seconds: Int = 0, cost: Int64 = 0) -> [FraudFinding] {
        record(.ended(call, at: at, billableSeconds: seconds, durationMillis: Int64(seconds) * 1000, costMicros: cost), now: at)
    }

    /// A whole call: started, answered at once, ended after `seconds` with `cost`; the
    /// findings of all three facts.
    mutating func place(_ call: FraudCall, at: Int64, seconds: Int = 0, cost: Int64 = 0) -> [FraudFinding] {
        var findings = start(call, at: at)
        findings += record(.answered(call, at: at), now: at)
        findings += end(call, at: at + Int64(seconds) * 1000, seconds: seconds, cost: cost)
        return findings
    }
}

/// What a finding says, without its context: the part most tests compare.
struct Reported: Equatable, CustomStringConvertible {
    var rule: String
    var level: FraudLevel
    var scope: FraudScopeKey
    var figure: Int64
    var threshold: Int64
    var action: FraudAction

    init(_ rule: String, _ level: FraudLevel, _ scope: FraudScopeKey, figure: Int64, threshold: Int64, action: FraudAction = .alert) {
        self.rule = rule
        self.level = level
        self.scope = scope
        self.figure = figure
        self.threshold = threshold
        self.action = action
    }

    init(_ finding: FraudFinding) {
        self.init(
            finding.rule.name, finding.level, finding.scope, figure: finding.figure, threshold: finding.threshold, action: finding.action)
    }

    var description: String { "\(rule) \(level) \(scope) \(figure)/\(threshold) \(action)" }
}

extension Array where Element == FraudFinding {
    var reported: [Reported] { map(Reported.init) }
}

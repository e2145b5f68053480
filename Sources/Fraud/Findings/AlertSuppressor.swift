import UnixTime
/// Keeps the same alert from being sent over and over: after an alert for a rule, scope and
/// level, the same one is held back for `periodMillis`, counted, and the count goes with
/// the next one sent (or is handed over by `expire` when the period ends with nothing new).
/// Only alerts: the actions of findings are carried out every time.
///
/// A monitor already reports a level once per crossing; this is for figures that hover
/// around a threshold, crossing it again and again.
public struct AlertSuppressor: Sendable {
    public struct Key: Sendable, Hashable {
        public var rule: String
        public var scope: FraudScopeKey
        public var level: FraudLevel

        public init(rule: String, scope: FraudScopeKey, level: FraudLevel) {
            self.rule = rule
            self.scope = scope
            self.level = level
        }

        public init(_ finding: FraudFinding) {
            self.init(rule: finding.rule.name, scope: finding.scope, level: finding.level)
        }
    }

    public enum Verdict: Sendable, Hashable {
        /// Send it; `heldBack` alerts like it were held back since the last one sent.
        case send(heldBack: Int)
        case holdBack
    }

    struct Entry: Sendable {
        var sentAt: Int64
        var heldBack: Int
    }

    public let periodMillis: Int64
    private var entries: [Key: Entry] = [:]
    private var clock = Int64.min

    public init(periodMillis: Int64) {
        self.periodMillis = max(0, periodMillis)
    }

    public mutating func admit(_ finding: FraudFinding, now: Int64) -> Verdict {
        admit(Key(finding), now: now)
    }

    /// Whether an alert for `key` goes out at `now`: yes unless one went out less than the
    /// period ago.
    public mutating func admit(_ key: Key, now: Int64) -> Verdict {
        clock = max(clock, now)
        if var entry = entries[key], clock < UnixTime.adding(entry.sentAt, periodMillis) {
            entry.heldBack += 1
            entries[key] = entry
            return .holdBack
        }
        let heldBack = entries[key]?.heldBack ?? 0
        entries[key] = Entry(sentAt: clock, heldBack: 0)
        return .send(heldBack: heldBack)
    }

    /// Forgets the alerts whose period has ended, and returns those of them that held
    /// something back, with how many (to be told as a summary: nothing else will carry
    /// the count).
    @discardableResult
    public mutating func expire(now: Int64) -> [Key: Int] {
        clock = max(clock, now)
        var summaries: [Key: Int] = [:]
        for (key, entry) in entries where clock >= UnixTime.adding(entry.sentAt, periodMillis) {
            if entry.heldBack > 0 { summaries[key] = entry.heldBack }
            entries[key] = nil
        }
        return summaries
    }

    /// Alerts remembered (the memory bound: those sent within the last period, and those
    /// past it not yet expired).
    public var count: Int { entries.count }
}

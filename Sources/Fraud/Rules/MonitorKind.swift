/// What a monitor measures. Calls are counted when they start, attempts included (a refused
/// call to a premium number is as much a sign of fraud as an answered one); money and
/// minutes when a call ends, because that is when they are known.
public enum MonitorKind: Sendable, Hashable {
    /// Money of ended calls within the period, in micros (1.00 = 1_000_000).
    case spend(FraudPeriod)
    /// Call attempts started within the period; `.calls(.minute)` is calls per minute.
    case calls(FraudPeriod)
    /// Calls started and not yet ended, ringing ones included (the way the concurrent-call
    /// limits count them).
    case concurrentCalls
    /// Billable seconds of ended calls within the period: the call minutes, kept in seconds
    /// so that sums are exact (thresholds are in seconds too; `MonitorRule.minutes` helps).
    case callSeconds(FraudPeriod)
    /// Different numbers called within the period. Dialling through a list of numbers is how
    /// stolen accounts are sold on and how premium-rate revenue is pumped.
    case distinctNumbers(FraudPeriod)
    /// Calls within the period to a destination the server counts as risky (the high-risk
    /// prefix list: premium rate, satellite, one-ring callback countries).
    case riskyDestinations(FraudPeriod)
    /// Countries called for the first time within the period: a country is new when no call
    /// went to it within the last `historyDays`. Every new country is reported (not only the
    /// crossing of a level), with the level its count has reached.
    case newCountries(FraudPeriod, historyDays: Int)
    /// Calls within the period started outside the allowed hours.
    case outsideHours(AllowedHours, FraudPeriod)

    /// `.calls(.minute)`.
    public static let callsPerMinute = MonitorKind.calls(.minute)

    public var period: FraudPeriod? {
        switch self {
        case .spend(let period), .calls(let period), .callSeconds(let period), .distinctNumbers(let period),
            .riskyDestinations(let period), .newCountries(let period, _), .outsideHours(_, let period):
            period
        case .concurrentCalls:
            nil
        }
    }

    public var unit: MonitorUnit {
        switch self {
        case .spend: .micros
        case .callSeconds: .seconds
        case .distinctNumbers: .numbers
        case .newCountries: .countries
        case .calls, .concurrentCalls, .riskyDestinations, .outsideHours: .calls
        }
    }

    /// How far back the figure can reach: what a rebuild after a restart must replay.
    var memoryMillis: Int64 {
        switch self {
        case .concurrentCalls: 0
        case .newCountries(let period, let historyDays):
            max(period.longestMillis, Int64(max(0, min(historyDays, 36_500))) * 86_400_000)
        default: period?.longestMillis ?? 0
        }
    }

    /// "spend in the last hour", for alerts.
    public var phrase: String {
        switch self {
        case .spend(let period): "spend in \(period.phrase)"
        case .calls(let period): "calls started in \(period.phrase)"
        case .concurrentCalls: "concurrent calls"
        case .callSeconds(let period): "call time in \(period.phrase)"
        case .distinctNumbers(let period): "different numbers called in \(period.phrase)"
        case .riskyDestinations(let period): "calls to high-risk destinations in \(period.phrase)"
        case .newCountries(let period, let days): "countries not called in \(days) days called in \(period.phrase)"
        case .outsideHours(_, let period): "calls outside the allowed hours in \(period.phrase)"
        }
    }
}

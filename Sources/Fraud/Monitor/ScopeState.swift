/// The counters of one scope (the switch, an account, a device): only those some rule
/// covering the scope needs, created on first use. A scope whose counters have all emptied
/// is forgotten, which is what bounds memory: the scopes kept are those with calls in
/// progress or with something still inside a window.
struct ScopeState: Sendable, Equatable {
    /// Calls in progress counted here (only when a concurrent-call rule covers the scope).
    var concurrent = 0
    var sums: [MonitorKind: SlidingWindowSum] = [:]
    var distinct: [MonitorKind: DistinctWindow] = [:]
    /// By history length in days (rules with the same history share it).
    var countries: [Int: CountryHistory] = [:]
    /// The level each rule (by position) last reported and has not fallen below since.
    var levels: [Int: FraudLevel] = [:]
    var recent = RecentCalls()

    mutating func add(_ value: Int64, to kind: MonitorKind, at time: Int64, now: Int64) {
        guard let period = kind.period else { return }
        sums[kind, default: SlidingWindowSum(period: period)].add(value, at: time, now: now)
    }

    mutating func addDistinct(_ value: String, to kind: MonitorKind, at time: Int64, now: Int64) {
        guard let period = kind.period else { return }
        distinct[kind, default: DistinctWindow(period: period)].add(value, at: time, now: now)
    }

    /// Whether a call to `country` is the first within `historyDays`; remembers the call.
    mutating func callsCountry(_ country: String, historyDays: Int, at time: Int64) -> Bool {
        countries[historyDays, default: CountryHistory(historyDays: historyDays)].call(country, at: time)
    }

    /// Brings the windows to `now`. The country histories are cleared by `sweep`: whether a
    /// country is new is read from its timestamp, so they need no expiry to be exact.
    mutating func expire(now: Int64) {
        var sum = sums.startIndex
        while sum != sums.endIndex {
            sums.values[sum].expire(now: now)
            sums.formIndex(after: &sum)
        }
        var window = distinct.startIndex
        while window != distinct.endIndex {
            distinct.values[window].expire(now: now)
            distinct.formIndex(after: &window)
        }
    }

    mutating func sweep(now: Int64) {
        expire(now: now)
        if sums.values.contains(where: \.isEmpty) { sums = sums.filter { !$0.value.isEmpty } }
        if distinct.values.contains(where: \.isEmpty) { distinct = distinct.filter { !$0.value.isEmpty } }
        for days in countries.keys { countries[days]?.expire(now: now) }
        if countries.values.contains(where: \.isEmpty) { countries = countries.filter { !$0.value.isEmpty } }
    }

    /// Nothing left to count at `now` (after `expire(now:)`): every figure is 0, so the
    /// scope is as good as a fresh one and can be forgotten. Read from the contents alone,
    /// so that when the sweeps happen changes nothing a monitor reports.
    func isIdle(at now: Int64) -> Bool {
        concurrent == 0 && sums.values.allSatisfy(\.isEmpty) && distinct.values.allSatisfy(\.isEmpty)
            && countries.values.allSatisfy { $0.isEmpty(at: now) }
    }

    /// The figure of `kind` after `expire(now:)`.
    func figure(_ kind: MonitorKind) -> Int64 {
        switch kind {
        case .concurrentCalls: Int64(concurrent)
        case .distinctNumbers: Int64(distinct[kind]?.count ?? 0)
        default: sums[kind]?.sum ?? 0
        }
    }

    /// The figure of `kind` at `now`, without changing anything.
    func figure(_ kind: MonitorKind, at now: Int64) -> Int64 {
        switch kind {
        case .concurrentCalls: Int64(concurrent)
        case .distinctNumbers: Int64(distinct[kind]?.count(at: now) ?? 0)
        default: sums[kind]?.sum(at: now) ?? 0
        }
    }
}

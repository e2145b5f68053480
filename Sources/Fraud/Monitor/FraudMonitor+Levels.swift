extension FraudMonitor {
    /// A scope's counters brought to `now`, before a fact is applied. Levels fall here: a
    /// figure only falls between facts (windows empty with time), so its value now is the
    /// lowest since the last fact, and a level it has fallen below is re-armed, to be
    /// reported again when crossed again. A scope with nothing left starts afresh.
    ///
    /// The state is taken out of `scopes` (the caller puts it back) so that changing it does
    /// not copy its windows.
    mutating func prepare(_ key: FraudScopeKey, covering: [Int], now: Int64) -> ScopeState {
        guard var state = scopes.removeValue(forKey: key) else { return ScopeState() }
        state.expire(now: now)
        if state.isIdle(at: now) { return ScopeState() }
        for index in covering {
            guard let reported = state.levels[index] else { continue }
            let rule = book.rules[index]
            let level = rule.level(of: state.figure(rule.kind))
            if level.map({ $0 < reported }) ?? true { state.levels[index] = level }
        }
        return state
    }

    /// The findings of a scope after a fact: a rule whose figure has reached a level above
    /// the one it last reported reports it (only the highest, when a fact jumps both). A new
    /// country is news in itself and is reported each time, with the level its count has
    /// reached.
    func evaluate(
        _ covering: [Int], key: FraudScopeKey, state: inout ScopeState, call: FraudCall, newCountryIn: Set<Int>, now: Int64
    ) -> [FraudFinding] {
        var findings: [FraudFinding] = []
        for index in covering {
            let rule = book.rules[index]
            let figure = state.figure(rule.kind)
            let level = rule.level(of: figure)
            let reported = state.levels[index]
            state.levels[index] = level
            guard let level, let threshold = rule.threshold(level) else { continue }
            var isNews = reported.map { level > $0 } ?? true
            if case .newCountries(_, let days) = rule.kind, newCountryIn.contains(days) { isNews = true }
            guard isNews else { continue }
            let context = FraudContext(
                callID: call.callID, accountId: call.accountId, deviceId: call.deviceId, numbers: state.recent.numbers,
                countries: state.recent.countries, sourceIPs: state.recent.sourceIPs)
            findings.append(
                FraudFinding(
                    rule: rule, level: level, scope: key, figure: figure, threshold: threshold.figure, action: threshold.action, at: now,
                    context: context))
        }
        return findings
    }
}

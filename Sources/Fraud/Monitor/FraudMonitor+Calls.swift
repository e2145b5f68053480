extension FraudMonitor {
    /// A call started: counted once (a repeated start, or a start after its end, is ignored)
    /// under the switch, its account and its device, in the counters their rules need.
    mutating func started(_ call: FraudCall, at: Int64, now: Int64) -> [FraudFinding] {
        guard live[call.callID] == nil, ended[call.callID] == nil else { return [] }
        var findings: [FraudFinding] = []
        var counted: [FraudScopeKey] = []
        for key in FraudScopeKey.keys(accountId: call.accountId, deviceId: call.deviceId) {
            let covering = book.rules(covering: key)
            guard !covering.isEmpty else { continue }
            var state = prepare(key, covering: covering, now: now)
            let kinds = Set(covering.map { book.rules[$0].kind })
            let newIn = newCountryHistories(call, kinds: kinds, state: &state, at: at)
            for kind in kinds {
                switch kind {
                case .calls:
                    state.add(1, to: kind, at: at, now: now)
                case .riskyDestinations:
                    if call.isRiskyDestination { state.add(1, to: kind, at: at, now: now) }
                case .outsideHours(let hours, _):
                    if !hours.allows(at) { state.add(1, to: kind, at: at, now: now) }
                case .distinctNumbers:
                    if let number = call.number { state.addDistinct(number, to: kind, at: at, now: now) }
                case .newCountries(_, let days):
                    if newIn.contains(days) { state.add(1, to: kind, at: at, now: now) }
                case .concurrentCalls:
                    state.concurrent += 1
                    counted.append(key)
                case .spend, .callSeconds:
                    break
                }
            }
            state.recent.note(call, keep: settings.recentValues)
            findings += evaluate(covering, key: key, state: &state, call: call, newCountryIn: newIn, now: now)
            scopes[key] = state
        }
        live[call.callID] = LiveCall(call: call, counted: counted, lastFactAt: at)
        return findings
    }

    /// A call ended: its cost and minutes counted at its end, its place among the calls in
    /// progress given back where its start took one. The scopes are those of its start when
    /// it was seen starting (an end cannot move a call to another account).
    mutating func ended(_ reported: FraudCall, outcome: FraudCallFact.CallOutcome, at: Int64, now: Int64) -> [FraudFinding] {
        guard ended[reported.callID] == nil else { return [] }
        rememberEnded(reported.callID, now: now)
        let started = live.removeValue(forKey: reported.callID)
        let call = started?.call ?? reported
        var findings: [FraudFinding] = []
        for key in FraudScopeKey.keys(accountId: call.accountId, deviceId: call.deviceId) {
            let covering = book.rules(covering: key)
            guard !covering.isEmpty else { continue }
            var state = prepare(key, covering: covering, now: now)
            if let started, started.counted.contains(key) {
                state.concurrent = max(0, state.concurrent - 1)
            }
            for kind in Set(covering.map({ book.rules[$0].kind })) {
                switch kind {
                case .spend: state.add(outcome.costMicros, to: kind, at: at, now: now)
                case .callSeconds: state.add(Int64(outcome.billableSeconds), to: kind, at: at, now: now)
                default: break
                }
            }
            findings += evaluate(covering, key: key, state: &state, call: call, newCountryIn: [], now: now)
            scopes[key] = state
        }
        return findings
    }

    /// The history lengths (days) in which the call's country is new, for the new-country
    /// kinds among `kinds`; every history remembers the call.
    private func newCountryHistories(_ call: FraudCall, kinds: Set<MonitorKind>, state: inout ScopeState, at: Int64) -> Set<Int> {
        guard let country = call.country else { return [] }
        var histories: Set<Int> = []
        for kind in kinds {
            if case .newCountries(_, let days) = kind { histories.insert(days) }
        }
        return histories.filter { state.callsCountry(country, historyDays: $0, at: at) }
    }
}

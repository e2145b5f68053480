/// The rules sorted for lookup: which ones cover a scope, and which counters that scope
/// therefore needs. A rule for one particular account or device takes the place of the
/// general rules of the same kind for it (see `MonitorScope`).
struct RuleBook: Sendable {
    let rules: [MonitorRule]
    /// The kinds that particular rules set for their account or device.
    private let particular: [FraudScopeKey: Set<MonitorKind>]

    init(_ rules: [MonitorRule]) {
        self.rules = rules
        var particular: [FraudScopeKey: Set<MonitorKind>] = [:]
        for rule in rules {
            switch rule.scope {
            case .account(let id?): particular[.account(id), default: []].insert(rule.kind)
            case .device(let id?): particular[.device(id), default: []].insert(rule.kind)
            default: break
            }
        }
        self.particular = particular
    }

    /// Positions of the rules covering `key`, in configured order.
    func rules(covering key: FraudScopeKey) -> [Int] {
        let own = particular[key] ?? []
        return rules.indices.filter { index in
            let rule = rules[index]
            guard rule.scope.covers(key) else { return false }
            return rule.scope.isParticular || !own.contains(rule.kind)
        }
    }

    /// How far back any rule's figure reaches: what a rebuild must replay.
    var memoryMillis: Int64 {
        rules.map(\.kind.memoryMillis).max() ?? 0
    }
}

extension FraudMonitor {
    /// Rebuilds the figures from stored facts (after a restart, or for a changed rule set):
    /// each fact is counted at its own time, in time order (a call's start before its answer
    /// before its end when they share a millisecond; otherwise as given), then everything is
    /// brought to `now`. The findings are returned as they were reported the first time;
    /// their actions were already carried out then, so a server only keeps them for the log.
    ///
    /// Stored records are of ended calls. When calls are in progress during a rebuild (a
    /// changed rule set on a running server), their `started` facts belong in `facts` too,
    /// or their ends will count their money but not their place among concurrent calls.
    @discardableResult
    public mutating func replay(_ facts: [FraudCallFact], now: Int64) -> [FraudFinding] {
        let ordered = facts.enumerated().sorted { a, b in
            (a.element.at, a.element.phaseRank, a.offset) < (b.element.at, b.element.phaseRank, b.offset)
        }
        var findings: [FraudFinding] = []
        for (_, fact) in ordered {
            findings += record(fact, now: min(fact.at, now))
        }
        expire(now: now)
        return findings
    }
}

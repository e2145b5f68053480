import SIPTransaction

/// What the engine tells its metrics besides the single calls on the message path.
extension SIPEngine {
    /// An answer of the engine's own, or a forwarded final one: counted in the statistics
    /// and the metrics; the first final answer to the request being read also gives the
    /// answer time.
    func countAnswer(_ status: Int) {
        statistics.answered(status)
        guard let metrics else { return }
        metrics.responseSent(status: status)
        if status >= 200, let since = readingSince {
            readingSince = nil
            metrics.answered(after: clock() - since)
        }
    }

    /// Tells the metrics about the transaction table when its figures changed (read here,
    /// on the table's own loop, because nothing else may read it).
    func reportTransactions() {
        guard let metrics else { return }
        let current = (live: table.count, created: table.created)
        guard current != reportedTransactions else { return }
        reportedTransactions = current
        metrics.transactions(loopIndex: loopIndex, live: current.live, created: current.created)
    }
}

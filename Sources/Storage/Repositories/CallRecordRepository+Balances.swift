import GRDB

extension AppDatabase {
    /// `insert(_:)`, and the balances of `accounts` as that same transaction left them: the
    /// server's ledger takes them as the truth once the charges are in. An answered call's
    /// live-call row goes in the same transaction.
    /// `liveCalls` (calls just answered) are written first: a call answered and ended within
    /// one batch leaves no live-call row behind.
    public func insertCharging(_ records: [CallRecord], accounts: [Int64], liveCalls: [LiveCall] = []) throws -> [Int64: Int64] {
        guard !records.isEmpty || !liveCalls.isEmpty else { return [:] }
        return try writer.write { db in
            try LiveCall.insert(liveCalls, db)
            let endLive = try db.cachedStatement(sql: "DELETE FROM liveCall WHERE callID = ?")
            for record in records {
                var record = record
                try record.insert(db)
                // The call is over: it is no longer live (nothing to close after a crash).
                if record.answeredAt != nil { try endLive.execute(arguments: [record.callID]) }
                if let accountId = record.accountId, record.costMicros != 0 {
                    try db.execute(
                        sql: "UPDATE account SET balanceMicros = balanceMicros - ? WHERE id = ?",
                        arguments: [record.costMicros, accountId])
                }
            }
            var balances: [Int64: Int64] = [:]
            for id in accounts {
                if let balance = try Int64.fetchOne(db, sql: "SELECT balanceMicros FROM account WHERE id = ?", arguments: [id]) {
                    balances[id] = balance
                }
            }
            return balances
        }
    }
}

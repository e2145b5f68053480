import GRDB

/// Requests nobody could be identified as, behind a protocol so that another database can
/// implement it.
public protocol UnidentifiedAttemptRepository: Sendable {
    /// Inserts a batch in one transaction.
    func insert(_ attempts: [UnidentifiedAttempt]) throws
    /// The `limit` most recent attempts, newest first.
    func unidentifiedAttempts(limit: Int) throws -> [UnidentifiedAttempt]
}

extension AppDatabase: UnidentifiedAttemptRepository {
    public func insert(_ attempts: [UnidentifiedAttempt]) throws {
        guard !attempts.isEmpty else { return }
        try writer.write { db in
            for attempt in attempts {
                var attempt = attempt
                try attempt.insert(db)
            }
        }
    }

    public func unidentifiedAttempts(limit: Int) throws -> [UnidentifiedAttempt] {
        try writer.read { db in
            // The id breaks ties between attempts of the same instant: later insert, newer.
            try UnidentifiedAttempt.order(Column("occurredAt").desc, Column("id").desc).limit(max(0, limit)).fetchAll(db)
        }
    }
}

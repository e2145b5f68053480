import Foundation
import GRDB

/// The running server's snapshot of its Guard, behind a protocol so that another database can
/// implement it.
public protocol GuardStatusRepository: Sendable {
    /// Replaces the snapshot.
    func saveGuardStatus(_ snapshot: GuardStatusSnapshot) throws
    /// The last snapshot written; nil when the server never wrote one.
    func guardStatus() throws -> GuardStatusSnapshot?
}

extension AppDatabase: GuardStatusRepository {
    public func saveGuardStatus(_ snapshot: GuardStatusSnapshot) throws {
        // Encoded before the transaction: the write lock is held for one statement only.
        let json = String(decoding: try StoredJSON.encoder().encode(snapshot), as: UTF8.self)
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO guardStatus (id, updatedAt, snapshot) VALUES (1, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET updatedAt = excluded.updatedAt, snapshot = excluded.snapshot
                    """,
                arguments: [snapshot.updatedAt, json])
        }
    }

    public func guardStatus() throws -> GuardStatusSnapshot? {
        let json = try writer.read { db in try String.fetchOne(db, sql: "SELECT snapshot FROM guardStatus WHERE id = 1") }
        guard let json else { return nil }
        return try StoredJSON.decoder().decode(GuardStatusSnapshot.self, from: Data(json.utf8))
    }
}

public import Foundation
import GRDB

/// The answered calls of a running server (`LiveCall`), behind a protocol so that another
/// database can implement it.
public protocol LiveCallRepository: Sendable {
    /// Writes calls just answered (a call written again is replaced).
    func save(_ calls: [LiveCall]) throws
    /// Every live call's `lastSeenAt` becomes `date`: one statement however many calls.
    func touchLiveCalls(at date: Date) throws
    /// The calls left behind (by a crash, when read at start).
    func liveCalls() throws -> [LiveCall]
    /// Forgets calls without a record (the records of calls closed after a crash are
    /// written with `insertCharging`, which removes their rows).
    func removeLiveCalls(_ callIDs: [String]) throws
}

extension AppDatabase: LiveCallRepository {
    public func save(_ calls: [LiveCall]) throws {
        guard !calls.isEmpty else { return }
        try writer.write { db in
            for call in calls { try call.save(db) }
        }
    }

    public func touchLiveCalls(at date: Date) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE liveCall SET lastSeenAt = ?", arguments: [date])
        }
    }

    public func liveCalls() throws -> [LiveCall] {
        try writer.read { db in try LiveCall.order(Column("answeredAt")).fetchAll(db) }
    }

    public func removeLiveCalls(_ callIDs: [String]) throws {
        guard !callIDs.isEmpty else { return }
        try writer.write { db in _ = try LiveCall.deleteAll(db, keys: callIDs) }
    }
}

import UnixTime
public import Foundation
import GRDB

/// The answered calls of a running server (`LiveCall`), behind a protocol so that another
/// database can implement it.
public protocol LiveCallRepository: Sendable {
    /// Writes calls just answered (a call written again is replaced).
    func save(_ calls: [LiveCall]) throws
    /// The live calls are still up at `date`: one row written however many calls there are.
    func touchLiveCalls(at date: Date) throws
    /// The calls left behind (by a crash, when read at start), each last seen at the later
    /// of the time it was written and the last `touchLiveCalls`.
    func liveCalls() throws -> [LiveCall]
    /// Forgets calls without a record (the records of calls closed after a crash are
    /// written with `insertCharging`, which removes their rows).
    func removeLiveCalls(_ callIDs: [String]) throws
}

extension AppDatabase: LiveCallRepository {
    public func save(_ calls: [LiveCall]) throws {
        guard !calls.isEmpty else { return }
        try writer.write { db in try LiveCall.insert(calls, db) }
    }

    public func touchLiveCalls(at date: Date) throws {
        let milliseconds = UnixTime.milliseconds(date)
        try writer.write { db in
            try db.execute(
                sql: "INSERT INTO liveCallHeartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                arguments: [milliseconds])
        }
    }

    public func liveCalls() throws -> [LiveCall] {
        try writer.read { db in
            let heartbeat = try Int64.fetchOne(db, sql: "SELECT at FROM liveCallHeartbeat WHERE id = 1") ?? 0
            return try LiveCall.fetchAll(db, sql: "SELECT * FROM liveCall ORDER BY answeredAt").map { call in
                var call = call
                call.lastSeenAt = max(call.lastSeenAt, heartbeat)
                return call
            }
        }
    }

    public func removeLiveCalls(_ callIDs: [String]) throws {
        guard !callIDs.isEmpty else { return }
        try writer.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM liveCall WHERE callID = ?")
            for callID in callIDs { try statement.execute(arguments: [callID]) }
        }
    }
}

public import Foundation
import GRDB

/// Bans, behind a protocol so that another database can implement it. The server writes
/// (new bans, expiry sweeps) while the command line reads and lifts: every write is one short
/// transaction, with its action log line when it carries one.
public protocol BanRepository: Sendable {
    /// Inserts every ban in one transaction; returns them with their ids.
    func insert(_ bans: [Ban], log: ActionLogLine<[Ban]>?) throws -> [Ban]
    /// Bans not lifted and permanent or expiring after `now`, newest first.
    func activeBans(at now: Date) throws -> [Ban]
    /// Every ban of exactly this network, lifted and expired ones included, newest first.
    func bans(network: String) throws -> [Ban]
    /// Every ban of any of these networks, newest first. Storage does no address arithmetic:
    /// to find the bans covering an address, pass the address's network at every prefix
    /// length (its covering networks, in canonical text).
    func bans(networks: [String]) throws -> [Ban]
    /// Lifts the active bans of exactly this network; returns them as lifted.
    func liftBans(network: String, at date: Date, by lifter: String, log: ActionLogLine<[Ban]>?) throws -> [Ban]
    /// Lifts one ban if it is active; nil when there is no such ban or it is not active (and
    /// no line is written).
    func liftBan(id: Int64, at date: Date, by lifter: String, log: ActionLogLine<Ban>?) throws -> Ban?
    /// Marks the bans that expired at or before `now` as lifted (at `now`, by "expiry");
    /// returns them as lifted.
    func liftExpiredBans(at now: Date) throws -> [Ban]
    /// How many bans this network ever had (for the offense number of the next one).
    func banCounts(network: String) throws -> Int
    /// Every network's number of bans.
    func banCountsByNetwork() throws -> [String: Int]
    /// The `limit` most recent bans of any state, newest first.
    func recentBans(limit: Int) throws -> [Ban]
}

extension BanRepository {
    public func insert(_ bans: [Ban]) throws -> [Ban] { try insert(bans, log: nil) }
    public func liftBans(network: String, at date: Date, by lifter: String) throws -> [Ban] {
        try liftBans(network: network, at: date, by: lifter, log: nil)
    }
    public func liftBan(id: Int64, at date: Date, by lifter: String) throws -> Ban? {
        try liftBan(id: id, at: date, by: lifter, log: nil)
    }
}

extension AppDatabase: BanRepository {
    public func insert(_ bans: [Ban], log: ActionLogLine<[Ban]>?) throws -> [Ban] {
        guard !bans.isEmpty else { return [] }
        return try write(logging: log) { db in
            var inserted = bans
            for index in inserted.indices {
                try inserted[index].insert(db)
            }
            return inserted
        }
    }

    public func activeBans(at now: Date) throws -> [Ban] {
        try writer.read { db in try Self.newestFirst(Ban.filter(Self.isActive(at: now))).fetchAll(db) }
    }

    public func bans(network: String) throws -> [Ban] {
        try writer.read { db in try Self.newestFirst(Ban.filter(Column("network") == network)).fetchAll(db) }
    }

    public func bans(networks: [String]) throws -> [Ban] {
        guard !networks.isEmpty else { return [] }
        return try writer.read { db in try Self.newestFirst(Ban.filter(networks.contains(Column("network")))).fetchAll(db) }
    }

    public func liftBans(network: String, at date: Date, by lifter: String, log: ActionLogLine<[Ban]>?) throws -> [Ban] {
        try write(logging: { lifted in lifted.isEmpty ? nil : log?(lifted) }) { db in
            try Self.lift(Ban.filter(Column("network") == network).filter(Self.isActive(at: date)), at: date, by: lifter, db)
        }
    }

    public func liftBan(id: Int64, at date: Date, by lifter: String, log: ActionLogLine<Ban>?) throws -> Ban? {
        try write(logging: { lifted in lifted.flatMap { log?($0) } }) { db in
            try Self.lift(Ban.filter(key: id).filter(Self.isActive(at: date)), at: date, by: lifter, db).first
        }
    }

    public func liftExpiredBans(at now: Date) throws -> [Ban] {
        try writer.write { db in
            let expired = Ban.filter(Column("liftedAt") == nil && Column("expiresAt") != nil && Column("expiresAt") <= now)
            return try Self.lift(expired, at: now, by: Ban.liftedByExpiry, db)
        }
    }

    public func banCounts(network: String) throws -> Int {
        try writer.read { db in try Ban.filter(Column("network") == network).fetchCount(db) }
    }

    /// How many bans each network has had, lifted ones included: the Guard's offense counts,
    /// read back at start so that escalation survives a restart.
    public func banCountsByNetwork() throws -> [String: Int] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT network, COUNT(*) AS count FROM ban GROUP BY network")
            return Dictionary(rows.map { ($0["network"] as String, $0["count"] as Int) }, uniquingKeysWith: +)
        }
    }

    public func recentBans(limit: Int) throws -> [Ban] {
        try writer.read { db in try Self.newestFirst(Ban.all()).limit(max(0, limit)).fetchAll(db) }
    }

    // MARK: - Queries

    /// The same test as `Ban.isActive(at:)`, in SQL (served by the partial index on active bans).
    private static func isActive(at now: Date) -> SQLExpression {
        Column("liftedAt") == nil && (Column("expiresAt") == nil || Column("expiresAt") > now)
    }

    /// The id breaks ties between bans of the same instant: later insert, newer.
    private static func newestFirst(_ request: QueryInterfaceRequest<Ban>) -> QueryInterfaceRequest<Ban> {
        request.order(Column("startedAt").desc, Column("id").desc)
    }

    private static func lift(_ request: QueryInterfaceRequest<Ban>, at date: Date, by lifter: String, _ db: Database) throws -> [Ban] {
        var bans = try newestFirst(request).fetchAll(db)
        for index in bans.indices {
            bans[index].liftedAt = date
            bans[index].liftedBy = lifter
            try bans[index].update(db, columns: ["liftedAt", "liftedBy"])
        }
        return bans
    }
}

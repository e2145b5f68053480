public import Foundation
import GRDB

/// Samples of how many devices were online, behind a protocol so that another database can
/// implement it.
public protocol OnlineSampleRepository: Sendable {
    func insert(_ sample: OnlineSample) throws
    /// Samples at or after `from` and before `to`, oldest first.
    func onlineSamples(from: Date, to: Date) throws -> [OnlineSample]
    /// Devices and bindings registered now (bindings not expired at `now`).
    func onlineNow(at now: Date) throws -> OnlineSample
}

extension AppDatabase: OnlineSampleRepository {
    public func insert(_ sample: OnlineSample) throws {
        try writer.write { db in
            var sample = sample
            try sample.insert(db)
        }
    }

    public func onlineSamples(from: Date, to: Date) throws -> [OnlineSample] {
        try writer.read { db in
            try OnlineSample.filter(Column("at") >= from && Column("at") < to).order(Column("at"), Column("id")).fetchAll(db)
        }
    }

    public func onlineNow(at now: Date) throws -> OnlineSample {
        try writer.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(DISTINCT deviceId) AS devices, COUNT(*) AS bindings FROM registration WHERE expiresAt > ?",
                arguments: [now])
            return OnlineSample(at: now, devices: row?["devices"] ?? 0, bindings: row?["bindings"] ?? 0)
        }
    }
}

import GRDB

/// Call records, behind a protocol so that another database can implement it. The server
/// writes them in batches; the command line reads them.
public protocol CallRecordRepository: Sendable {
    /// Inserts a batch and charges each record's cost to its account, in one transaction: a
    /// call is never billed without its record, nor recorded without its charge. A record
    /// whose account is gone is still kept, uncharged.
    func insert(_ records: [CallRecord]) throws
    /// The records matching `filter`, newest first.
    func callRecords(_ filter: CallRecordFilter) throws -> [CallRecord]
    func callRecord(id: Int64) throws -> CallRecord?
    /// How many records match `filter`, whatever its limit and offset.
    func callRecordCount(_ filter: CallRecordFilter) throws -> Int
}

extension AppDatabase: CallRecordRepository {
    public func insert(_ records: [CallRecord]) throws {
        _ = try insertCharging(records, accounts: [])
    }

    public func callRecords(_ filter: CallRecordFilter) throws -> [CallRecord] {
        try writer.read { db in
            // The id breaks ties between calls of the same instant: later insert, newer.
            try Self.matching(filter)
                .order(Column("startedAt").desc, Column("id").desc)
                .limit(max(0, filter.limit), offset: max(0, filter.offset))
                .fetchAll(db)
        }
    }

    public func callRecord(id: Int64) throws -> CallRecord? {
        try writer.read { db in try CallRecord.fetchOne(db, key: id) }
    }

    public func callRecordCount(_ filter: CallRecordFilter) throws -> Int {
        try writer.read { db in try Self.matching(filter).fetchCount(db) }
    }

    private static func matching(_ filter: CallRecordFilter) -> QueryInterfaceRequest<CallRecord> {
        var request = CallRecord.all()
        if let from = filter.from { request = request.filter(Column("startedAt") >= from) }
        if let to = filter.to { request = request.filter(Column("startedAt") < to) }
        if let accountId = filter.accountId { request = request.filter(Column("accountId") == accountId) }
        if let deviceId = filter.deviceId { request = request.filter(Column("deviceId") == deviceId) }
        if let cause = filter.cause { request = request.filter(Column("cause") == cause) }
        return request
    }
}

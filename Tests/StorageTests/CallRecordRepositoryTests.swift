import Foundation
import GRDB
@testable import Storage
import Testing

@Suite("CallRecordRepository")
struct CallRecordRepositoryTests {
    static let now = AppDatabaseTests.now
    static let v4 = "v4 outbound routes"
    static let v5 = "v5 call records, rates, account call limits"

    static func record(
        _ second: Double, accountId: Int64? = nil, deviceId: Int64? = nil, cause: String = "normal", costMicros: Int64 = 0,
        attempts: [CallAttempt] = []
    ) -> CallRecord {
        let start = now.addingTimeInterval(second)
        return CallRecord(
            callID: "call-\(Int(second))", startedAt: start, ringingAt: start.addingTimeInterval(1),
            answeredAt: start.addingTimeInterval(2), endedAt: start.addingTimeInterval(32), durationMillis: 30_000,
            billableSeconds: 30, callerKind: "device", accountId: accountId, deviceId: deviceId, callerName: "alice",
            sourceIP: "198.51.100.7", sourcePort: 5_060, transport: "udp", userAgent: "<script>alert(1)</script>",
            fromHeader: "<sip:alice@example.com>;tag=1", toHeader: "<sip:+442079460000@example.com>",
            contact: "<sip:alice@198.51.100.7>", requestURI: "sip:+442079460000@example.com",
            dialledNumber: "+442079460000", destinationKind: "provider", destination: "carrier", attempts: attempts,
            status: 200, reason: "OK", cause: cause, hangupBy: "caller", costMicros: costMicros, ratePrefix: "+44")
    }

    static func account(_ database: AppDatabase, _ name: String, balance: Int64 = 0) throws -> Int64 {
        var account = Account(name: name, createdAt: now)
        account.balanceMicros = balance
        return try #require(try database.insert(account).id)
    }

    @Test("a batch is stored and charged to its accounts in one go; a record of a missing account is kept uncharged", arguments: TestDatabase.allCases)
    func chargesAtomically(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let acme = try Self.account(database, "acme", balance: 10_000_000)
        let globex = try Self.account(database, "globex")
        try database.insert([
            Self.record(1, accountId: acme, costMicros: 1_250_000),
            Self.record(2, accountId: acme, costMicros: 250_000),
            Self.record(3, accountId: globex, costMicros: 0),
            Self.record(4, accountId: 999, costMicros: 5_000_000),
            Self.record(5, costMicros: 7_000_000),
        ])
        try database.insert([CallRecord]())
        #expect(try database.account(id: acme)?.balanceMicros == 8_500_000)
        #expect(try database.account(id: globex)?.balanceMicros == 0)
        #expect(try database.callRecordCount(CallRecordFilter()) == 5)
        #expect(try database.callRecords(CallRecordFilter(accountId: 999)).map(\.costMicros) == [5_000_000])
    }

    @Test("a batch that fails stores nothing and charges nothing")
    func failedBatchRollsBack() throws {
        let database = try AppDatabase.inMemory()
        let acme = try Self.account(database, "acme")
        var broken = Self.record(2, accountId: acme, costMicros: 1)
        broken.id = 1
        #expect(throws: DatabaseError.self) {
            try database.insert([Self.record(1, accountId: acme, costMicros: 1_000_000), broken])
        }
        #expect(try database.callRecordCount(CallRecordFilter()) == 0)
        #expect(try database.account(id: acme)?.balanceMicros == 0)
    }

    @Test("filters: [from, to), account, device, cause, limit and offset; newest first", arguments: TestDatabase.allCases)
    func filters(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        try database.insert([
            Self.record(10, accountId: 1, deviceId: 11, cause: "normal"),
            Self.record(20, accountId: 1, deviceId: 12, cause: "busy"),
            Self.record(30, accountId: 2, deviceId: 21, cause: "normal"),
            Self.record(40, accountId: 2, deviceId: 21, cause: "no-route"),
        ])
        // Same instant as the first: the later insert is newer.
        try database.insert([Self.record(10, accountId: 3, cause: "normal")])
        func ids(_ filter: CallRecordFilter) throws -> [String] { try database.callRecords(filter).map { "\($0.callID)/\($0.accountId ?? 0)" } }
        #expect(try ids(CallRecordFilter()) == ["call-40/2", "call-30/2", "call-20/1", "call-10/3", "call-10/1"])
        let at = { (second: Double) in Self.now.addingTimeInterval(second) }
        #expect(try ids(CallRecordFilter(from: at(20), to: at(40))) == ["call-30/2", "call-20/1"], "from included, to excluded")
        #expect(try ids(CallRecordFilter(from: at(40))) == ["call-40/2"])
        #expect(try ids(CallRecordFilter(to: at(10.001))) == ["call-10/3", "call-10/1"])
        #expect(try ids(CallRecordFilter(accountId: 1)) == ["call-20/1", "call-10/1"])
        #expect(try ids(CallRecordFilter(deviceId: 21)) == ["call-40/2", "call-30/2"])
        #expect(try ids(CallRecordFilter(cause: "normal")) == ["call-30/2", "call-10/3", "call-10/1"])
        #expect(try ids(CallRecordFilter(accountId: 2, cause: "normal")) == ["call-30/2"])
        #expect(try ids(CallRecordFilter(limit: 2, offset: 1)) == ["call-30/2", "call-20/1"])
        #expect(try ids(CallRecordFilter(limit: 0)).isEmpty)
        #expect(try database.callRecordCount(CallRecordFilter(cause: "normal", limit: 1)) == 3, "the count ignores limit and offset")
        #expect(try database.callRecordCount(CallRecordFilter(from: at(50))) == 0)
    }

    @Test("every field round-trips, attempts included; a missing id is nil", arguments: TestDatabase.allCases)
    func roundTrip(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let attempts = [
            CallAttempt(providerId: 4, providerName: "carrier", number: "5511#442079460000", status: 503, reason: "Service Unavailable", startedAt: Self.now.addingTimeInterval(0.25)),
            CallAttempt(providerId: 5, providerName: "backup", number: "00442079460000", startedAt: Self.now.addingTimeInterval(1.5)),
        ]
        try database.insert([Self.record(0, accountId: 1, deviceId: 2, attempts: attempts)])
        let stored = try #require(try database.callRecords(CallRecordFilter()).first)
        var expected = Self.record(0, accountId: 1, deviceId: 2, attempts: attempts)
        expected.id = stored.id
        #expect(stored == expected)
        #expect(try database.callRecord(id: try #require(stored.id)) == expected)
        #expect(try database.callRecord(id: 999) == nil)

        let minimal = CallRecord(
            callID: "x", startedAt: Self.now, endedAt: Self.now, callerKind: "unidentified", sourceIP: "203.0.113.1",
            sourcePort: 5_060, transport: "tcp", fromHeader: "<sip:a@b>", toHeader: "<sip:c@d>", requestURI: "sip:c@d",
            dialledNumber: "c", destinationKind: "none", status: 403, reason: "Forbidden", cause: "unidentified", hangupBy: "server")
        try database.insert([minimal])
        let read = try #require(try database.callRecords(CallRecordFilter(cause: "unidentified")).first)
        #expect(read.attempts.isEmpty && read.ringingAt == nil && read.accountId == nil && read.costMicros == 0)
        let json = try database.writer.read { db in try String.fetchOne(db, sql: "SELECT attempts FROM cdr WHERE id = ?", arguments: [stored.id]) }
        #expect(json?.contains("\"startedAt\":\"2026-09-21T") == true, "attempt times are readable ISO 8601 text: \(json ?? "")")
    }

    @Test("a data directory created by v4 migrates to v5: existing accounts get the new limits' defaults")
    func migratesV4Database() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(AppDatabase.fileName))
            try AppDatabase.migrator.migrate(queue, upTo: Self.v4)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO account (name, balanceMicros, createdAt) VALUES ('acme', 42, ?)", arguments: [Self.now])
            }
        }
        let database = try AppDatabase.open(dataDirectory: directory)
        #expect(Array(try database.appliedMigrations().drop { $0 != Self.v4 }.prefix(2)) == [Self.v4, Self.v5])
        let acme = try #require(try database.account(named: "acme"))
        #expect(acme.balanceMicros == 42)
        #expect(acme.maxConcurrentCalls == 10 && acme.maxCallSeconds == nil)
        #expect(acme.allowedPrefixes.isEmpty && acme.deniedPrefixes.isEmpty)

        var limited = acme
        limited.maxConcurrentCalls = 0
        limited.maxCallSeconds = 3_600
        limited.allowedPrefixes = ["+44", "020"]
        limited.deniedPrefixes = ["+449"]
        try database.update(limited)
        #expect(try database.account(named: "acme") == limited)
        limited.maxConcurrentCalls = -1
        #expect(throws: DatabaseError.self) { try database.update(limited) }
    }
}

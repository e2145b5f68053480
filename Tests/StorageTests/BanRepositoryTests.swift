import Foundation
import GRDB
@testable import Storage
import Testing

@Suite("BanRepository")
struct BanRepositoryTests {
    static let now = AppDatabaseTests.now
    static let v2 = "v2 unidentified attempts, provider registration status"
    static let v3 = "v3 bans, allowed networks, guard status"

    static func evidence(_ offset: TimeInterval, userAgent: String? = "friendly-scanner") -> BanEvidence {
        BanEvidence(
            time: now.addingTimeInterval(offset), kind: "auth_failure", weight: 2, source: "udp:192.0.2.7:5060", username: "alice",
            reason: "bad credentials", method: "REGISTER", requestURI: "sip:example.com", from: "<sip:alice@example.com>;tag=1",
            to: "<sip:alice@example.com>", callID: "c1@host", contact: nil, userAgent: userAgent)
    }

    static func ban(_ network: String, jail: String = "sip-auth", started: TimeInterval = 0, lasting: TimeInterval? = 3_600) -> Ban {
        Ban(network: network, jail: jail, reason: "10 failed authentications", startedAt: now.addingTimeInterval(started),
            expiresAt: lasting.map { now.addingTimeInterval(started + $0) }, createdBy: "guard")
    }

    @Test("a data directory created by v2 migrates to v3 and keeps its data")
    func migratesV2Database() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(AppDatabase.fileName))
            try AppDatabase.migrator.migrate(queue, upTo: Self.v2)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO account (name, createdAt) VALUES ('acme', ?)", arguments: [Self.now])
            }
            #expect(try queue.read { db in try db.tableExists("ban") } == false)
        }
        let database = try AppDatabase.open(dataDirectory: directory)
        #expect(try database.appliedMigrations().contains(Self.v3))
        #expect(try database.account(named: "acme") != nil)
        #expect(try database.activeBans(at: Self.now).isEmpty)
        #expect(try database.allowedNetworks().isEmpty)
        #expect(try database.guardStatus() == nil)
    }

    @Test("a fresh database has the v3 tables with their defaults", arguments: TestDatabase.allCases)
    func freshDatabase(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        #expect(try database.appliedMigrations().contains(Self.v3))
        // The defaults a writer that names only the required columns relies on.
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO ban (network, jail, reason, startedAt, createdBy) VALUES ('192.0.2.7/32', 'manual', 'x', ?, 'cli')
                """, arguments: [Self.now])
        }
        let stored = try #require(try database.bans(network: "192.0.2.7/32").first)
        #expect(stored.evidence.isEmpty && stored.offense == 1 && stored.expiresAt == nil && stored.isActive(at: Self.now))
    }

    @Test("evidence survives the JSON column, hostile text included", arguments: TestDatabase.allCases)
    func evidenceRoundTrip(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        var ban = Self.ban("192.0.2.7/32")
        ban.evidence = [
            Self.evidence(-2.5, userAgent: "<script>\"x\"</script>\u{1B}[2J\u{0}é"),
            Self.evidence(-1.25, userAgent: nil),
        ]
        ban.offense = 3
        let inserted = try database.insert([ban, Self.ban("2001:db8:1:2::/64", lasting: nil)])
        #expect(inserted.compactMap(\.id).count == 2)
        #expect(try database.bans(network: "192.0.2.7/32") == [inserted[0]])
        #expect(try database.bans(network: "2001:db8:1:2::/64") == [inserted[1]])
        let text = try database.writer.read { db in try String.fetchOne(db, sql: "SELECT evidence FROM ban WHERE id = ?", arguments: [inserted[0].id]) }
        #expect(text?.contains("\"time\":\"2026-09-21T14:13:17.500Z\"") == true, "dates are ISO 8601 text: \(text ?? "")")
    }

    @Test("active means not lifted and not expired; history keeps everything, newest first", arguments: TestDatabase.allCases)
    func activeExpiredLifted(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let inserted = try database.insert([
            Self.ban("192.0.2.1/32", started: -7_200, lasting: 3_600),  // expired an hour ago
            Self.ban("192.0.2.1/32", started: -60, lasting: 3_600),  // active
            Self.ban("192.0.2.2/32", started: -30, lasting: nil),  // permanent
            Self.ban("192.0.2.3/32", started: -3_600, lasting: 3_600),  // expires exactly now: no longer active
        ])
        #expect(try database.activeBans(at: Self.now) == [inserted[2], inserted[1]])
        #expect(try database.banCounts(network: "192.0.2.1/32") == 2)

        let lifted = try database.liftBans(network: "192.0.2.1/32", at: Self.now, by: "cli")
        #expect(lifted.map(\.id) == [inserted[1].id], "only the active one")
        #expect(lifted.first?.liftedAt == Self.now && lifted.first?.liftedBy == "cli")
        #expect(try database.liftBans(network: "192.0.2.1/32", at: Self.now, by: "cli").isEmpty)
        #expect(try database.activeBans(at: Self.now) == [inserted[2]])
        #expect(try database.bans(network: "192.0.2.1/32") == [lifted[0], inserted[0]], "history, newest first")
        #expect(try database.banCounts(network: "192.0.2.1/32") == 2)

        let permanent = try #require(inserted[2].id)
        #expect(try database.liftBan(id: permanent, at: Self.now, by: "console")?.liftedBy == "console")
        #expect(try database.liftBan(id: permanent, at: Self.now, by: "console") == nil, "already lifted")
        #expect(try database.liftBan(id: 999, at: Self.now, by: "console") == nil)
        #expect(try database.activeBans(at: Self.now).isEmpty)
        #expect(try database.recentBans(limit: 2).map(\.network) == ["192.0.2.2/32", "192.0.2.1/32"])
        #expect(try database.recentBans(limit: 10).count == 4)
        #expect(try database.bans(networks: ["192.0.2.2/32", "192.0.2.3/32", "192.0.2.0/24"]).map(\.id) == [inserted[2].id, inserted[3].id])
        #expect(try database.bans(networks: []).isEmpty)
    }

    @Test("liftExpiredBans lifts exactly the expired ones, once, by expiry at the sweep time", arguments: TestDatabase.allCases)
    func liftExpired(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let inserted = try database.insert([
            Self.ban("192.0.2.1/32", started: -7_200, lasting: 3_600),
            Self.ban("192.0.2.2/32", started: -3_600, lasting: 3_600),
            Self.ban("192.0.2.3/32", started: -60, lasting: 3_600),
            Self.ban("192.0.2.4/32", started: -9_000, lasting: nil),
            Self.ban("192.0.2.5/32", started: -9_000, lasting: 60),
        ])
        _ = try database.liftBans(network: "192.0.2.5/32", at: Self.now.addingTimeInterval(-8_990), by: "cli")
        let lifted = try database.liftExpiredBans(at: Self.now)
        #expect(Set(lifted.compactMap(\.id)) == Set([inserted[0].id, inserted[1].id].compactMap { $0 }))
        #expect(lifted.allSatisfy { $0.liftedAt == Self.now && $0.liftedBy == "expiry" })
        #expect(try database.liftExpiredBans(at: Self.now).isEmpty)
        #expect(try database.bans(network: "192.0.2.5/32").first?.liftedBy == "cli", "an earlier lift is kept")
        #expect(try database.activeBans(at: Self.now).map(\.network) == ["192.0.2.3/32", "192.0.2.4/32"])
    }

    @Test("offense must be 1 or more")
    func offenseChecked() throws {
        let database = try AppDatabase.inMemory()
        var ban = Self.ban("192.0.2.1/32")
        ban.offense = 0
        #expect(throws: DatabaseError.self) { _ = try database.insert([ban, Self.ban("192.0.2.2/32")]) }
        #expect(try database.recentBans(limit: 10).isEmpty, "one transaction: nothing inserted")
    }
}

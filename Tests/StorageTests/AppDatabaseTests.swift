import Foundation
import GRDB
@testable import Storage
import Testing

@Suite("AppDatabase")
struct AppDatabaseTests {
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("a data directory gets a WAL database with every migration; reopening keeps the data")
    func fileDatabase() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let database = try AppDatabase.open(dataDirectory: directory)
            #expect(try database.journalMode() == "wal")
            #expect(try database.appliedMigrations() == [
                "v1 accounts, devices, providers, DIDs, registrations",
                "v2 unidentified attempts, provider registration status",
                "v3 bans, allowed networks, guard status",
                "v4 outbound routes",
                "v5 call records, rates, account call limits",
                "v6 device aliases",
                "v7 timed account blocks, action log, online samples, API keys",
                "v8 console users and sessions",
                "v9 transfers, caller IDs, live calls",
                "v10 live-call heartbeat",
            ])
            _ = try database.insert(Account(name: "acme", createdAt: Self.now))
        }
        let reopened = try AppDatabase.open(dataDirectory: directory)
        #expect(try reopened.account(named: "acme")?.name == "acme")
        #expect(FileManager.default.fileExists(atPath: directory + "/" + AppDatabase.fileName))
    }

    @Test("a new account has the secure defaults: prepaid, zero balance, no credit, not blocked")
    func accountDefaults() throws {
        let database = try AppDatabase.inMemory()
        let account = try database.insert(Account(name: "acme", createdAt: Self.now))
        let id = try #require(account.id)
        let stored = try #require(try database.account(id: id))
        #expect(stored.billing == .prepaid)
        #expect(stored.balanceMicros == 0)
        #expect(stored.creditLimitMicros == 0)
        #expect(!stored.blocked)
        #expect(stored.createdAt == Self.now)
    }

    @Test("names and usernames are unique; a device needs its account; an account with devices stays")
    func constraints() throws {
        let database = try AppDatabase.inMemory()
        let account = try database.insert(Account(name: "acme", createdAt: Self.now))
        #expect(throws: StorageError.duplicate("account acme")) {
            _ = try database.insert(Account(name: "acme", createdAt: Self.now))
        }
        let accountID = try #require(account.id)
        let device = try database.insert(Self.device(accountID, "alice"))
        #expect(throws: StorageError.duplicate("device alice")) { _ = try database.insert(Self.device(accountID, "alice")) }
        #expect(throws: StorageError.notFound("account 999")) { _ = try database.insert(Self.device(999, "bob")) }
        #expect(throws: StorageError.inUse("account \(accountID) (it has devices)")) { try database.removeAccount(id: accountID) }
        let deviceID = try #require(device.id)
        try database.removeDevice(id: deviceID)
        try database.removeAccount(id: accountID)
        #expect(try database.accounts().isEmpty)
        #expect(throws: StorageError.notFound("account \(accountID)")) { try database.removeAccount(id: accountID) }
    }

    @Test("usernames compare case-sensitively (RFC 3261 §19.1.2)")
    func caseSensitiveUsernames() throws {
        let database = try AppDatabase.inMemory()
        let accountID = try #require(try database.insert(Account(name: "acme", createdAt: Self.now)).id)
        _ = try database.insert(Self.device(accountID, "Alice"))
        _ = try database.insert(Self.device(accountID, "alice"))
        #expect(try database.device(username: "Alice")?.username == "Alice")
        #expect(try database.device(username: "ALICE") == nil)
        #expect(try database.devices(accountId: accountID).map(\.username) == ["Alice", "alice"])
    }

    @Test("a device keeps its networks, limits and HA1 values through a round trip")
    func deviceRoundTrip() throws {
        let database = try AppDatabase.inMemory()
        let accountID = try #require(try database.insert(Account(name: "acme", createdAt: Self.now)).id)
        var device = Self.device(accountID, "alice")
        device.allowedNetworks = ["192.0.2.0/24", "2001:db8::/32"]
        device.maxContacts = 5
        device.callerID = "+15551234567"
        device = try database.insert(device)
        #expect(try database.device(username: "alice") == device)
        device.maxConcurrentCalls = 0
        device.aliases = ["1001", "200"]
        try database.update(device)
        let id = try #require(device.id)
        #expect(try database.device(id: id)?.maxConcurrentCalls == 0)
        #expect(try database.device(id: id)?.aliases == ["1001", "200"])
    }

    @Test("a data directory created by v5 migrates to v6: existing devices have no aliases")
    func migratesV5Devices() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(AppDatabase.fileName))
            try AppDatabase.migrator.migrate(queue, upTo: "v5 call records, rates, account call limits")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO account (name, createdAt) VALUES ('acme', ?)", arguments: [Self.now])
                try db.execute(
                    sql: "INSERT INTO device (accountId, username, realm, ha1MD5, ha1SHA256, createdAt) VALUES (1, 'alice', 'r', 'a', 'b', ?)",
                    arguments: [Self.now])
            }
        }
        let database = try AppDatabase.open(dataDirectory: directory)
        #expect(try database.appliedMigrations().contains("v6 device aliases"))
        #expect(try database.device(username: "alice")?.aliases == [])
    }

    static func device(_ accountID: Int64, _ username: String) -> Device {
        Device(
            accountId: accountID, username: username, realm: "sip.example.com",
            ha1MD5: String(repeating: "a", count: 32), ha1SHA256: String(repeating: "b", count: 64), createdAt: now)
    }
}

import Foundation
import Storage
import Testing

@Suite("DeviceRepository provisioning")
struct DeviceProvisionTests {
    static let now = AppDatabaseTests.now

    @Test("devices and their new accounts are created together", arguments: TestDatabase.allCases)
    func createsAccounts(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let shared = try #require(try database.insert(Account(name: "shared", createdAt: Self.now)).id)
        let created = try database.insert([
            DeviceProvision(device: AppDatabaseTests.device(0, "alice"), newAccount: Account(name: "alice", createdAt: Self.now)),
            DeviceProvision(device: AppDatabaseTests.device(shared, "bob")),
        ])
        let alice = try #require(try database.account(named: "alice"))
        #expect(created.map(\.accountId) == [alice.id, shared])
        #expect(created.allSatisfy { $0.id != nil })
        #expect(try database.devices(accountId: alice.id).map(\.username) == ["alice"])
    }

    @Test("one refused device leaves nothing: no device, no account", arguments: [
        ("bob", "carol", StorageError.duplicate("device bob")),
        ("carol", "taken", StorageError.duplicate("account taken")),
    ])
    func allOrNothing(_ username: String, _ accountName: String, _ error: StorageError) throws {
        let database = try AppDatabase.inMemory()
        let taken = try #require(try database.insert(Account(name: "taken", createdAt: Self.now)).id)
        _ = try database.insert(AppDatabaseTests.device(taken, "bob"))
        #expect(throws: error) {
            _ = try database.insert([
                DeviceProvision(device: AppDatabaseTests.device(0, "first"), newAccount: Account(name: "first", createdAt: Self.now)),
                DeviceProvision(device: AppDatabaseTests.device(0, username), newAccount: Account(name: accountName, createdAt: Self.now)),
            ])
        }
        #expect(try database.accounts().map(\.name) == ["taken"])
        #expect(try database.devices(accountId: nil).map(\.username) == ["bob"])
        #expect(throws: StorageError.notFound("account 999")) {
            _ = try database.insert([DeviceProvision(device: AppDatabaseTests.device(999, "dave"))])
        }
    }
}

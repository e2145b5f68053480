import Foundation
import Storage
import Testing

@Suite("DIDRepository")
struct DIDRepositoryTests {
    @Test("DIDs are unique, listed by number, need their device and go with it", arguments: TestDatabase.allCases)
    func lifecycle(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let accountID = try #require(try database.insert(Account(name: "acme", createdAt: AppDatabaseTests.now)).id)
        let deviceID = try #require(try database.insert(AppDatabaseTests.device(accountID, "alice")).id)
        let first = try database.insert(DID(number: "+15551230002", deviceId: deviceID))
        _ = try database.insert(DID(number: "+15551230001", deviceId: deviceID))
        #expect(first.id != nil)
        #expect(try database.did(number: "+15551230002") == first)
        #expect(try database.dids().map(\.number) == ["+15551230001", "+15551230002"])
        #expect(throws: StorageError.duplicate("DID +15551230002")) {
            _ = try database.insert(DID(number: "+15551230002", deviceId: deviceID))
        }
        #expect(throws: StorageError.notFound("device 999")) { _ = try database.insert(DID(number: "100", deviceId: 999)) }
        try database.removeDID(number: "+15551230002")
        #expect(throws: StorageError.notFound("DID +15551230002")) { try database.removeDID(number: "+15551230002") }
        try database.removeDevice(id: deviceID)
        #expect(try database.dids().isEmpty, "a device's DIDs are removed with it")
    }
}

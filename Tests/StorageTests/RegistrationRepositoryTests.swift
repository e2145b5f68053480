import Foundation
import Storage
import Testing

@Suite("RegistrationRepository")
struct RegistrationRepositoryTests {
    static let now = AppDatabaseTests.now

    static func binding(_ deviceID: Int64, _ contact: String, expiresIn seconds: Double = 3_600, cseq: Int64 = 1) -> Registration {
        Registration(
            deviceId: deviceID, contact: contact, q: 0.5, expiresAt: now.addingTimeInterval(seconds), callID: "call-\(deviceID)",
            cseq: cseq, sourceIP: "198.51.100.4", sourcePort: 40_000, transport: "udp", userAgent: "Phone/1.0", updatedAt: now)
    }

    /// A database with an account and `count` devices named user0, user1, ...
    static func withDevices(_ kind: TestDatabase, count: Int) throws -> (AppDatabase, [Int64], @Sendable () -> Void) {
        let (database, cleanUp) = try kind.make()
        let accountID = try #require(try database.insert(Account(name: "acme", createdAt: now)).id)
        let devices = try database.insert((0..<count).map { DeviceProvision(device: AppDatabaseTests.device(accountID, "user\($0)")) })
        return (database, devices.compactMap(\.id), cleanUp)
    }

    @Test("a batch of thousands upserts by (device, contact): a refresh updates the row in place", arguments: TestDatabase.allCases)
    func upsertBatch(_ kind: TestDatabase) throws {
        let (database, devices, cleanUp) = try Self.withDevices(kind, count: 1_000)
        defer { cleanUp() }
        let batch = devices.flatMap { id in (0..<3).map { Self.binding(id, "sip:\(id)@10.0.0.\($0):5060") } }
        try database.applyRegistrationChanges(upserts: batch, removals: [])
        let stored = try database.registrations(deviceId: nil)
        #expect(stored.count == 3_000)
        let ids = Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0.id) })

        // RFC 3261 §10.3 step 8: a refresh of an existing contact replaces its values.
        var refreshed = batch.map { row in
            var row = row
            row.cseq = 2
            row.q = nil
            row.userAgent = nil
            row.sourcePort = 40_001
            row.expiresAt = Self.now.addingTimeInterval(7_200)
            return row
        }
        refreshed.append(Self.binding(devices[0], "sip:new@10.0.0.9"))
        try database.applyRegistrationChanges(upserts: refreshed, removals: [])
        let after = try database.registrations(deviceId: nil)
        #expect(after.count == 3_001)
        for row in after where row.contact != "sip:new@10.0.0.9" {
            #expect(row.id == ids[row.key] ?? nil, "the row is updated, not replaced")
            #expect(row.cseq == 2 && row.q == nil && row.userAgent == nil && row.sourcePort == 40_001)
            #expect(row.expiresAt == Self.now.addingTimeInterval(7_200))
        }
    }

    @Test("removals apply after the upserts of the same batch; unknown keys are ignored", arguments: TestDatabase.allCases)
    func removals(_ kind: TestDatabase) throws {
        let (database, devices, cleanUp) = try Self.withDevices(kind, count: 2)
        defer { cleanUp() }
        let (a, b) = (devices[0], devices[1])
        try database.applyRegistrationChanges(upserts: [Self.binding(a, "sip:a1"), Self.binding(a, "sip:a2"), Self.binding(b, "sip:b1")], removals: [])
        try database.applyRegistrationChanges(
            upserts: [Self.binding(b, "sip:b2")],
            removals: [RegistrationKey(deviceId: a, contact: "sip:a1"), RegistrationKey(deviceId: b, contact: "sip:b2"),
                       RegistrationKey(deviceId: b, contact: "sip:none")])
        #expect(try database.registrations(deviceId: nil).map(\.contact) == ["sip:a2", "sip:b1"])
        #expect(try database.registrations(deviceId: b).map(\.contact) == ["sip:b1"])
        try database.applyRegistrationChanges(upserts: [], removals: [])
    }

    @Test("a batch with a binding of an unknown device is refused as a whole")
    func unknownDevice() throws {
        let (database, devices, cleanUp) = try Self.withDevices(.inMemory, count: 1)
        defer { cleanUp() }
        #expect(throws: StorageError.notFound("device of a registration")) {
            try database.applyRegistrationChanges(upserts: [Self.binding(devices[0], "sip:ok"), Self.binding(999, "sip:x")], removals: [])
        }
        #expect(try database.registrations(deviceId: nil).isEmpty)
    }

    @Test("expired bindings are removed at or before the date, and counted", arguments: TestDatabase.allCases)
    func expiry(_ kind: TestDatabase) throws {
        let (database, devices, cleanUp) = try Self.withDevices(kind, count: 1)
        defer { cleanUp() }
        let id = devices[0]
        try database.applyRegistrationChanges(
            upserts: [Self.binding(id, "sip:past", expiresIn: -10), Self.binding(id, "sip:now", expiresIn: 0),
                      Self.binding(id, "sip:later", expiresIn: 1)],
            removals: [])
        #expect(try database.removeRegistrations(expiredBefore: Self.now) == 2)
        #expect(try database.registrations(deviceId: id).map(\.contact) == ["sip:later"])
        #expect(try database.removeRegistrations(expiredBefore: Self.now) == 0)
    }

    @Test("a device's bindings are removed with it", arguments: TestDatabase.allCases)
    func cascade(_ kind: TestDatabase) throws {
        let (database, devices, cleanUp) = try Self.withDevices(kind, count: 2)
        defer { cleanUp() }
        try database.applyRegistrationChanges(upserts: [Self.binding(devices[0], "sip:a"), Self.binding(devices[1], "sip:b")], removals: [])
        try database.removeDevice(id: devices[0])
        #expect(try database.registrations(deviceId: nil).map(\.contact) == ["sip:b"])
    }

    @Test("the listing names each binding's device, ordered by username then contact")
    func listing() throws {
        let (database, devices, cleanUp) = try Self.withDevices(.inMemory, count: 2)
        defer { cleanUp() }
        try database.applyRegistrationChanges(
            upserts: [Self.binding(devices[1], "sip:z"), Self.binding(devices[1], "sip:a"), Self.binding(devices[0], "sip:m")], removals: [])
        let listing = try database.registrationListing()
        #expect(listing.map(\.username) == ["user0", "user1", "user1"])
        #expect(listing.map(\.registration.contact) == ["sip:m", "sip:a", "sip:z"])
        #expect(listing[0].registration == (try database.registrations(deviceId: devices[0]))[0])
    }
}

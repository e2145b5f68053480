import Foundation
import Storage
import Testing

@Suite("AllowedNetworkRepository and GuardStatusRepository")
struct GuardStorageTests {
    static let now = AppDatabaseTests.now

    @Test("allowed networks: add, list oldest first, duplicate refused, remove", arguments: TestDatabase.allCases)
    func allowedNetworks(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let office = try database.addAllowedNetwork(AllowedNetwork(network: "192.0.2.0/24", note: "office", createdAt: Self.now, createdBy: "cli"))
        #expect(office.id != nil)
        try database.addAllowedNetwork(AllowedNetwork(network: "2001:db8::/32", createdAt: Self.now.addingTimeInterval(1), createdBy: "api"))
        #expect(throws: StorageError.duplicate("allowed network 192.0.2.0/24")) {
            try database.addAllowedNetwork(AllowedNetwork(network: "192.0.2.0/24", createdAt: Self.now, createdBy: "cli"))
        }
        #expect(StorageError.duplicate("allowed network 192.0.2.0/24").description == "allowed network 192.0.2.0/24 already exists")
        let listed = try database.allowedNetworks()
        #expect(listed.map(\.network) == ["192.0.2.0/24", "2001:db8::/32"])
        #expect(listed[0] == office)
        #expect(listed[1].note == "" && listed[1].createdBy == "api")
        #expect(try database.removeAllowedNetwork(network: "192.0.2.0/24"))
        #expect(try !database.removeAllowedNetwork(network: "192.0.2.0/24"))
        #expect(try database.allowedNetworks().map(\.network) == ["2001:db8::/32"])
    }

    @Test("the guard status snapshot is saved, replaced and read back", arguments: TestDatabase.allCases)
    func snapshot(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        #expect(try database.guardStatus() == nil)
        var snapshot = GuardStatusSnapshot(
            updatedAt: Self.now,
            jails: [
                JailStatus(name: "sip-auth", mode: "enforce", kinds: ["auth_failure": 1, "unknown_user": 2], threshold: 10,
                           windowSeconds: 600, banSeconds: 3_600, eventsCounted: 42, bansIssued: 3, activeBans: 2),
                JailStatus(name: "sip-scanner", mode: "observe", kinds: ["scanner": 10], threshold: 10, windowSeconds: nil,
                           banSeconds: nil, eventsCounted: 5, wouldBan: 4),
            ],
            topSources: [SourceStatus(source: "192.0.2.7/32", jail: "sip-auth", score: 8, lastSeen: Self.now.addingTimeInterval(-0.25))],
            trackedSources: 17, activeBans: 2)
        try database.saveGuardStatus(snapshot)
        #expect(try database.guardStatus() == snapshot)
        snapshot.updatedAt = Self.now.addingTimeInterval(5)
        snapshot.jails.removeLast()
        snapshot.trackedSources = 0
        try database.saveGuardStatus(snapshot)
        #expect(try database.guardStatus() == snapshot)
    }

    @Test("the server writes the snapshot while the command line reads it from another connection")
    func snapshotAcrossConnections() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try AppDatabase.open(dataDirectory: directory)
        let cli = try AppDatabase.open(dataDirectory: directory)
        let snapshot = GuardStatusSnapshot(updatedAt: Self.now, jails: [], topSources: [], trackedSources: 1, activeBans: 0)
        try server.saveGuardStatus(snapshot)
        #expect(try cli.guardStatus() == snapshot)
    }
}

import Foundation
import Storage
import Testing

@Suite("ProviderRepository")
struct ProviderRepositoryTests {
    static let now = AppDatabaseTests.now

    static func registering(_ name: String) -> Provider {
        var provider = Provider(name: name, hosts: ["sip.carrier.example", "192.0.2.10"], createdAt: now)
        provider.identification = .registration
        provider.port = 5061
        provider.transport = .tls
        provider.techPrefix = "00"
        provider.registerUsername = "trunk7"
        provider.registerRealm = "carrier.example"
        provider.registerHA1MD5 = String(repeating: "c", count: 32)
        provider.registerHA1SHA256 = String(repeating: "d", count: 64)
        provider.registerExpires = 600
        provider.registerCallID = .new
        provider.enabled = false
        return provider
    }

    @Test("a provider keeps every field through insert, lookups and update", arguments: TestDatabase.allCases)
    func roundTrip(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        var provider = try database.insert(Self.registering("carrier"))
        let id = try #require(provider.id)
        #expect(try database.provider(id: id) == provider)
        #expect(try database.provider(named: "carrier") == provider)
        #expect(try database.provider(named: "Carrier") == nil)
        provider.hosts = ["198.51.100.7"]
        provider.port = nil
        provider.identification = .ip
        try database.update(provider)
        #expect(try database.provider(id: id)?.hosts == ["198.51.100.7"])
        #expect(try database.provider(id: id)?.port == nil)
    }

    @Test("a new provider is identified by IP, on any port, over UDP, enabled")
    func defaults() throws {
        let database = try AppDatabase.inMemory()
        let provider = try database.insert(Provider(name: "ip", hosts: ["192.0.2.1"], createdAt: Self.now))
        let stored = try #require(try database.provider(named: "ip"))
        #expect(stored == provider)
        #expect(stored.port == nil && stored.transport == .udp && stored.identification == .ip && stored.enabled)
        #expect(stored.registerCallID == .keep && stored.registerExpires == 3_600)
    }

    @Test("names are unique; providers list by name; removal says what was not found")
    func errors() throws {
        let database = try AppDatabase.inMemory()
        _ = try database.insert(Provider(name: "zeta", hosts: ["192.0.2.1"], createdAt: Self.now))
        let alpha = try database.insert(Provider(name: "alpha", hosts: ["192.0.2.2"], createdAt: Self.now))
        #expect(throws: StorageError.duplicate("provider zeta")) {
            _ = try database.insert(Provider(name: "zeta", hosts: [], createdAt: Self.now))
        }
        var renamed = alpha
        renamed.name = "zeta"
        #expect(throws: StorageError.duplicate("provider zeta")) { try database.update(renamed) }
        #expect(try database.providers().map(\.name) == ["alpha", "zeta"])
        let id = try #require(alpha.id)
        try database.removeProvider(id: id)
        #expect(throws: StorageError.notFound("provider \(id)")) { try database.removeProvider(id: id) }
        #expect(throws: StorageError.notFound("provider \(id)")) { try database.update(alpha) }
        #expect(StorageError.notFound("provider \(id)").description == "provider \(id) not found")
    }

    @Test("the registration status is upserted, listed, and goes with its provider", arguments: TestDatabase.allCases)
    func registrationStatus(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let provider = try database.insert(Self.registering("carrier"))
        let id = try #require(provider.id)
        var status = ProviderRegistrationStatus(providerId: id, state: .registering, callID: "abc@host", updatedAt: Self.now)
        try database.saveProviderRegistrationStatus(status)
        #expect(try database.providerRegistrationStatuses() == [status])
        status.state = .registered
        status.lastStatusCode = 200
        status.registeredUntil = Self.now.addingTimeInterval(600)
        status.nextAttemptAt = Self.now.addingTimeInterval(540)
        try database.saveProviderRegistrationStatus(status)
        #expect(try database.providerRegistrationStatuses() == [status])
        #expect(throws: StorageError.notFound("provider 999")) {
            try database.saveProviderRegistrationStatus(ProviderRegistrationStatus(providerId: 999, state: .failed, updatedAt: Self.now))
        }
        try database.removeProvider(id: id)
        #expect(try database.providerRegistrationStatuses().isEmpty)
    }
}

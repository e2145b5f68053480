import Foundation
import SIPCore
import Storage
import Synchronization
import Testing
@testable import SIPWarden

/// The server registering to a provider (RFC 3261 §10.2) over real UDP sockets on
/// 127.0.0.1: a fake registrar challenges, checks the digest and grants 2 s, so that
/// refreshes come within seconds.
@Suite("Server: outbound registration to a provider")
struct OutboundRegistrationServerTests {
    static let username = "trunk-7"
    static let password = "Carrier-Secret-31"

    /// A provider identified by registration, pointing at `port` on 127.0.0.1.
    @discardableResult
    static func addProvider(
        _ fixture: RegistrarFixture, port: Int, callID: Provider.RegisterCallID, transport: Provider.Transport = .udp
    ) throws -> Provider {
        var provider = Provider(name: "carrier-\(callID.rawValue)-\(transport.rawValue)", hosts: ["127.0.0.1"], createdAt: Date())
        provider.port = port
        provider.transport = transport
        provider.identification = .registration
        provider.registerUsername = username
        provider.registerRealm = FakeProviderRegistrar.realm
        provider.registerHA1MD5 = DigestCalculator.ha1(username: username, realm: FakeProviderRegistrar.realm, password: password, algorithm: .md5)
        provider.registerHA1SHA256 = DigestCalculator.ha1(username: username, realm: FakeProviderRegistrar.realm, password: password, algorithm: .sha256)
        provider.registerExpires = 60
        provider.registerCallID = callID
        return try fixture.database.insert(provider)
    }

    /// Runs the service until `body` returns, then lets it unregister (bounded by its own
    /// 2 s wait).
    static func withService<T>(
        _ server: TestServer, _ setup: CallerSetup, _ body: () async throws -> T
    ) async throws -> T {
        let service = OutboundRegistrationService(database: setup.database, server: server.server, callers: setup.callers, logger: silentLogger)
        let stop = StopFlag()
        let task = Task { await service.run(until: { stop.isSet }) }
        do {
            let result = try await body()
            stop.set()
            await task.value
            return result
        } catch {
            stop.set()
            await task.value
            throw error
        }
    }

    @Test(
        "the REGISTERs answer the challenge with a valid digest; keep reuses the Call-ID with CSeq + 1, new takes a fresh Call-ID each cycle; status registered; Expires 0 at shutdown",
        arguments: [Provider.RegisterCallID.keep, .new])
    func registersAndRefreshes(policy: Provider.RegisterCallID) async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let registrar = try await FakeProviderRegistrar.start(username: Self.username, password: Self.password, grantedExpires: 2)
        defer { Task { await registrar.stop() } }
        let provider = try Self.addProvider(fixture, port: registrar.port, callID: policy)
        try await withRegistrarServer(fixture) { server, setup in
            let serverAddress = try server.address(.udp)
            try await Self.withService(server, setup) {
                // Four successful cycles: the registration and three refreshes.
                let registered = await poll(timeout: .seconds(15)) { () -> [FakeProviderRegistrar.Received]? in
                    // A retransmission (same Call-ID and CSeq) is not a new request.
                    var seen: Set<String> = []
                    let requests = registrar.requests.filter { seen.insert("\($0.callID) \($0.cseq)").inserted }
                    return requests.filter { $0.digestValid == true }.count >= 4 ? requests : nil
                }
                let requests = try #require(registered, "fewer than 4 registrations: \(registrar.requests)")
                #expect(requests.allSatisfy { $0.digestValid != false }, "a digest did not verify: \(requests)")
                // Each REGISTER came from the server's own UDP listener.
                #expect(requests.allSatisfy { $0.source.port == serverAddress.port })
                let cycles = stride(from: 0, to: 8, by: 2).map { (requests[$0], requests[$0 + 1]) }
                for (plain, answered) in cycles {
                    #expect(!plain.authorized && answered.authorized)
                    #expect(answered.callID == plain.callID)
                    #expect(answered.cseq == plain.cseq + 1)
                    #expect(plain.expires == 60 && answered.expires == 60)
                }
                switch policy {
                case .keep:
                    #expect(Set(requests.prefix(8).map(\.callID)).count == 1)
                    #expect(requests.prefix(8).map(\.cseq) == Array(1...8))
                case .new:
                    #expect(Set(cycles.map(\.0.callID)).count == 4)
                    #expect(cycles.allSatisfy { $0.0.cseq == 1 })
                }
                let status = await poll(timeout: Wait.answer) { () -> ProviderRegistrationStatus? in
                    let status = try? fixture.database.providerRegistrationStatuses().first { $0.providerId == provider.id }
                    return status?.state == .registered ? status : nil
                }
                let written = try #require(status)
                #expect(written.lastStatusCode == 200)
                #expect(written.lastError == nil)
                let until = try #require(written.registeredUntil)
                #expect(until > Date().addingTimeInterval(-1) && until < Date().addingTimeInterval(3))
                #expect(written.nextAttemptAt != nil)
                #expect(requests.contains { $0.callID == written.callID })
            }
            // Shutdown: the binding is removed (Expires 0), challenge answered.
            let removal = registrar.requests.filter { $0.expires == 0 }
            #expect(removal.contains { $0.digestValid == true }, "no authenticated removal: \(registrar.requests)")
            let final = try fixture.database.providerRegistrationStatuses().first { $0.providerId == provider.id }
            #expect(final?.state == .disabled)
        }
    }

    @Test("a provider disabled while registered (a management command on another connection): the binding is removed, status disabled")
    func disabledWhileRegistered() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let registrar = try await FakeProviderRegistrar.start(username: Self.username, password: Self.password, grantedExpires: 30)
        defer { Task { await registrar.stop() } }
        var provider = try Self.addProvider(fixture, port: registrar.port, callID: .keep)
        try await withRegistrarServer(fixture) { server, setup in
            try await Self.withService(server, setup) {
                let registered = await poll(timeout: Wait.answer) { registrar.requests.contains { $0.digestValid == true } ? true : nil }
                try #require(registered != nil, "not registered: \(registrar.requests)")
                provider.enabled = false
                try fixture.database.update(provider)
                // The database is checked every second; the removal is challenged and answered.
                let removed = await poll(timeout: .seconds(5)) {
                    registrar.requests.contains { $0.expires == 0 && $0.digestValid == true } ? true : nil
                }
                #expect(removed != nil, "no removal: \(registrar.requests)")
                let status = await poll(timeout: Wait.answer) { () -> ProviderRegistrationStatus? in
                    let status = try? fixture.database.providerRegistrationStatuses().first { $0.providerId == provider.id }
                    return status?.state == .disabled ? status : nil
                }
                #expect(status != nil)
            }
        }
    }

    @Test("a TCP provider is not registered: status failed with the reason, nothing sent")
    func tcpNotSupported() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let registrar = try await FakeProviderRegistrar.start(username: Self.username, password: Self.password)
        defer { Task { await registrar.stop() } }
        let provider = try Self.addProvider(fixture, port: registrar.port, callID: .keep, transport: .tcp)
        try await withRegistrarServer(fixture) { server, setup in
            try await Self.withService(server, setup) {
                let status = await poll(timeout: Wait.answer) {
                    try? fixture.database.providerRegistrationStatuses().first { $0.providerId == provider.id }
                }
                #expect(status?.state == .failed)
                #expect(status?.lastError == "outbound registration over TCP/TLS is not supported yet")
            }
            #expect(registrar.requests.isEmpty)
        }
    }

    @Test("a wrong password: the provider's 403 is the status, with a retry scheduled")
    func wrongPassword() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let registrar = try await FakeProviderRegistrar.start(username: Self.username, password: "not-" + Self.password)
        defer { Task { await registrar.stop() } }
        let provider = try Self.addProvider(fixture, port: registrar.port, callID: .keep)
        try await withRegistrarServer(fixture) { server, setup in
            try await Self.withService(server, setup) {
                let status = await poll(timeout: Wait.answer) { () -> ProviderRegistrationStatus? in
                    let status = try? fixture.database.providerRegistrationStatuses().first { $0.providerId == provider.id }
                    return status?.state == .failed ? status : nil
                }
                #expect(status?.lastStatusCode == 403)
                #expect(status?.lastError == "provider answered 403 Forbidden")
                #expect(status?.nextAttemptAt != nil)
            }
        }
    }
}

/// Set once by the test to end the service's loop.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

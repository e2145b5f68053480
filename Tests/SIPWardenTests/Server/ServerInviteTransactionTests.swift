import Foundation
import NIOCore
import SIPTransaction
@testable import SIPWarden
import SIPTransport
import Storage
import Testing

/// INVITE to the server over UDP. An identified caller's INVITE (here a provider's, by its
/// address 127.0.0.1) gets an INVITE server transaction (RFC 3261 §17.2.1) whose final
/// answer, a 404 for a number nobody has, is retransmitted until the ACK. Anything refused
/// before its caller is known is answered statelessly (§8.2.7): once, with no transaction.
@Suite("Server: INVITE server transactions over UDP")
struct ServerInviteTransactionTests {
    /// A server with the switch, where 127.0.0.1 is the provider `carrier`.
    static func withProviderServer<T>(_ configuration: ServerConfiguration, _ body: (TestServer) async throws -> T) async throws -> T {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        var provider = Provider(name: "carrier", hosts: ["127.0.0.1"], createdAt: Date())
        provider.port = nil
        _ = try fixture.database.insert(provider)
        let setup = try CallerSetup.make(configuration: configuration, dataDirectory: fixture.dataDirectory, logger: silentLogger)
        let server = SIPServer(configuration: configuration, logger: silentLogger, callers: setup.callers, calls: setup.calls)
        let listeners = try await server.start()
        let running = TestServer(server: server, listeners: listeners)
        do {
            let result = try await body(running)
            await running.closeClients()
            await server.shutdown()
            return result
        } catch {
            await running.closeClients()
            await server.shutdown()
            throw error
        }
    }

    /// T1 = 50 ms: Timer G fires after 50, 100, 200, 200... ms, Timer H after 3.2 s.
    static func fastTimers() throws -> ServerConfiguration {
        var configuration = ServerSetup.configuration([(.udp, ServerSetup.ipv4)])
        configuration.timers = try TransactionTimers(t1: .milliseconds(50), t2: .milliseconds(200), t4: .milliseconds(200))
        return configuration
    }

    /// T1 = 60 s: no timer fires while the test runs, so every message that comes back was
    /// caused by one the test sent.
    static func frozenTimers() throws -> ServerConfiguration {
        var configuration = ServerSetup.configuration([(.udp, ServerSetup.ipv4)])
        configuration.timers = try TransactionTimers(t1: .seconds(60), t2: .seconds(60), t4: .seconds(60))
        return configuration
    }

    /// An INVITE for a number nobody has (nil: for the server itself).
    static func invite(user: String? = "442071234567") -> TestRequest {
        var invite = TestRequest(method: "INVITE", host: ServerSetup.ipv4, user: user, transport: .udp)
        invite.extraHeaders = ["Contact: <sip:tester@client.invalid:5062>"]
        return invite
    }

    @Test("the 404 is retransmitted on Timer G until the ACK, which is absorbed (RFC 3261 §17.2.1)")
    func retransmittedUntilACK() async throws {
        try await Self.withProviderServer(try Self.fastTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite()
            try await client.send(invite.bytes, to: target)
            // The answer and at least two Timer G retransmissions, all the same bytes.
            let copies = await client.waitForMessages(count: 3)
            #expect(copies.count >= 3, "no Timer G retransmission: \(copies.count) copies")
            let first = try #require(copies.first)
            #expect(first.statusCode == 404, "\(first)")
            #expect(first.toTag != nil, "a final answer carries a To tag (§8.2.6.2)")
            for copy in copies.dropFirst() {
                #expect(copy.raw == first.raw, "a retransmission differs from the answer")
            }

            // §17.2.1: the ACK moves the transaction to Confirmed; it is never answered.
            let absorbedBefore = await server.statistics().absorbed
            let mark = client.mark
            try await client.send(invite.ack(for: first).bytes, to: target)
            let beforeSentinel = try #require(try await client.arrivalsBeforeSentinel(since: mark, server: target))
            let answersToACK = beforeSentinel.compactMap { TestMessage.parse(datagram: $0.bytes) }.filter { $0.cseqMethod == "ACK" }
            #expect(answersToACK.isEmpty, "the ACK was answered: \(answersToACK)")
            #expect(await server.statistics().absorbed == absorbedBefore + 1, "the ACK was not absorbed by the transaction")
            // Once the ACK is processed (the sentinel is answered after it), Timer G is off:
            // watch for longer than its longest interval (T2).
            let afterACK = client.mark
            try? await Task.sleep(for: .milliseconds(500))
            let late = client.arrivals(since: afterACK).compactMap { TestMessage.parse(datagram: $0.bytes) }.filter { $0.cseqMethod == "INVITE" }
            #expect(late.isEmpty, "\(late.count) retransmissions after the ACK")
        }
    }

    @Test("a retransmitted INVITE gets the same 404 again (RFC 3261 §17.2.1)")
    func retransmittedInvite() async throws {
        try await Self.withProviderServer(try Self.frozenTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite()
            try await client.send(invite.bytes, to: target)
            let first = try #require(await client.waitForMessages(count: 1).first)
            #expect(first.statusCode == 404)
            try await client.send(invite.bytes, to: target)
            let both = await client.waitForMessages(count: 2)
            #expect(both.count == 2, "the retransmitted INVITE was not answered")
            if both.count == 2 {
                #expect(both[1].raw == first.raw, "the answer to the retransmission differs")
            }
            #expect(await server.statistics().absorbed == 1, "the retransmission was not matched to the transaction")
        }
    }

    @Test("CANCEL of the INVITE gets 200; CANCEL of no INVITE gets 481 (RFC 3261 §9.2)")
    func cancel() async throws {
        try await Self.withProviderServer(try Self.frozenTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite()
            try await client.send(invite.bytes, to: target)
            let answer = try #require(await client.response(callID: invite.callID, method: "INVITE"))
            #expect(answer.statusCode == 404)

            try await client.send(invite.cancel().bytes, to: target)
            let cancelled = try #require(await client.response(callID: invite.callID, method: "CANCEL"), "CANCEL not answered")
            #expect(cancelled.statusCode == 200, "\(cancelled)")
            let cancelVia = try #require(cancelled.topVia)
            #expect(TestMessage.viaParameters(cancelVia)["branch"] == invite.branch)

            let orphan = Self.invite().cancel()
            try await client.send(orphan.bytes, to: target)
            let unmatched = try #require(await client.response(callID: orphan.callID, method: "CANCEL"), "orphan CANCEL not answered")
            #expect(unmatched.statusCode == 481, "\(unmatched)")
        }
    }

    @Test("an INVITE past the transaction capacity gets 503 with Retry-After")
    func capacity() async throws {
        var configuration = try Self.frozenTimers()
        configuration.maxTransactions = 1
        try await Self.withProviderServer(configuration) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let first = Self.invite()
            let second = Self.invite()
            try await client.send(first.bytes, to: target)
            #expect(await client.response(callID: first.callID)?.statusCode == 404)
            try await client.send(second.bytes, to: target)
            let refused = try #require(await client.response(callID: second.callID))
            #expect(refused.statusCode == 503, "\(refused)")
            #expect(refused.value("Retry-After") != nil)
            #expect(await server.statistics().refusedForCapacity == 1)
        }
    }

    @Test("an INVITE refused before its caller is known is answered once, statelessly: no transaction, no retransmission")
    func statelessRefusals() async throws {
        try await withServer(try Self.fastTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite(user: nil)
            try await client.send(invite.bytes, to: target)
            let first = try #require(await client.waitForMessages(count: 1).first)
            #expect(first.statusCode == 405, "an INVITE for the server itself")
            #expect(first.listValues("Allow").contains("OPTIONS"), "405 must carry Allow (§21.4.6)")
            // Timer G would have fired several times by now (T1 = 50 ms).
            let mark = client.mark
            let later = try #require(try await client.arrivalsBeforeSentinel(since: mark, server: target))
            try await Task.sleep(for: .milliseconds(400))
            #expect(later.compactMap { TestMessage.parse(datagram: $0.bytes) }.allSatisfy { $0.cseqMethod != "INVITE" })
            #expect(client.arrivals(since: mark).compactMap { TestMessage.parse(datagram: $0.bytes) }.filter { $0.cseqMethod == "INVITE" }.isEmpty)
            #expect(await server.statistics().absorbed == 0)
        }
    }
}

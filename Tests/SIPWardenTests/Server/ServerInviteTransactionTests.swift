import NIOCore
import SIPTransaction
import SIPWarden
import SIPTransport
import Testing

/// INVITE to the server over UDP: an INVITE server transaction (RFC 3261 §17.2.1) with a
/// final answer, retransmitted until the ACK.
@Suite("Server: INVITE server transactions over UDP")
struct ServerInviteTransactionTests {
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

    static func invite() -> TestRequest {
        var invite = TestRequest(method: "INVITE", host: ServerSetup.ipv4, transport: .udp)
        invite.extraHeaders = ["Contact: <sip:tester@client.invalid:5062>"]
        return invite
    }

    @Test("the 405 is retransmitted on Timer G until the ACK, which is absorbed (RFC 3261 §17.2.1)")
    func retransmittedUntilACK() async throws {
        try await withServer(try Self.fastTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite()
            try await client.send(invite.bytes, to: target)
            // The answer and at least two Timer G retransmissions, all the same bytes.
            let copies = await client.waitForMessages(count: 3)
            #expect(copies.count >= 3, "no Timer G retransmission: \(copies.count) copies")
            let first = try #require(copies.first)
            #expect(first.statusCode == 405, "\(first)")
            #expect(first.listValues("Allow").contains("OPTIONS"), "405 must carry Allow (§21.4.6)")
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

    @Test("a retransmitted INVITE gets the same 405 again (RFC 3261 §17.2.1)")
    func retransmittedInvite() async throws {
        try await withServer(try Self.frozenTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite()
            try await client.send(invite.bytes, to: target)
            let first = try #require(await client.waitForMessages(count: 1).first)
            #expect(first.statusCode == 405)
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
        try await withServer(try Self.frozenTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = Self.invite()
            try await client.send(invite.bytes, to: target)
            let answer = try #require(await client.response(callID: invite.callID, method: "INVITE"))
            #expect(answer.statusCode == 405)

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
        try await withServer(configuration) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let first = Self.invite()
            let second = Self.invite()
            try await client.send(first.bytes, to: target)
            #expect(await client.response(callID: first.callID)?.statusCode == 405)
            try await client.send(second.bytes, to: target)
            let refused = try #require(await client.response(callID: second.callID))
            #expect(refused.statusCode == 503, "\(refused)")
            #expect(refused.value("Retry-After") != nil)
            #expect(await server.statistics().refusedForCapacity == 1)
        }
    }
}

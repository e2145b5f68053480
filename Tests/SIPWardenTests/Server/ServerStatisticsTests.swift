import NIOCore
import SIPTestSupport
import SIPTransport
import SIPWarden
import Switch
import Testing

/// The engine counters, as `SIPServer.statistics()` adds them up, move with the traffic.
@Suite("Server: statistics")
struct ServerStatisticsTests {
    static func strayResponse(_ transport: SIPTransportKind) -> String {
        SampleMessages.message([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/\(transport.viaToken) client.invalid:5062;branch=z9hG4bK-stray-\(TestRequest.token())",
            "From: <sip:tester@client.invalid>;tag=1",
            "To: <sip:127.0.0.1>;tag=2",
            "Call-ID: stray-\(TestRequest.token())",
            "CSeq: 1 OPTIONS",
        ])
    }

    @Test("UDP: garbage, stray responses, a malformed request, an ACK with no transaction, an OPTIONS")
    func udpCounters() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            #expect(await server.statistics() == EngineStatistics())

            try await client.send("this is not SIP at all\r\n\r\n", to: target)
            try await client.send([0xFF, 0x00, 0x13, 0x37, 0x42, 0x00, 0x99, 0x01], to: target)
            try await client.send(Self.strayResponse(.udp), to: target)
            try await client.send(Self.strayResponse(.udp), to: target)
            var mismatch = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
            mismatch.cseqMethod = "INVITE"  // RFC 3261 §8.1.1.5: 400
            try await client.send(mismatch.bytes, to: target)
            var ack = TestRequest(method: "ACK", host: ServerSetup.ipv4, transport: .udp)
            ack.to += ";tag=unknown"
            try await client.send(ack.bytes, to: target)
            // The sentinel OPTIONS is the last datagram: once it is answered, everything
            // before it has been counted.
            let arrived = try #require(try await client.arrivalsBeforeSentinel(since: 0, server: target))
            let answers = arrived.compactMap { TestMessage.parse(datagram: $0.bytes) }
            #expect(answers.map(\.statusCode) == [400], "\(answers)")

            let stats = await server.statistics()
            #expect(stats.malformedDropped == 2)
            #expect(stats.strayResponses == 2)
            #expect(stats.malformedAnswered == 1)
            #expect(stats.absorbed == 1, "the ACK without a transaction")
            #expect(stats.requests == 3, "the malformed request, the ACK, the OPTIONS")
            #expect(stats.answersByStatus == [400: 1, 200: 1])
            #expect(stats.responsesSent == 2)
            #expect(stats.refusedForCapacity == 0)
        }
    }

    @Test("TCP: a stray response is counted and dropped; binary garbage is counted as dropped")
    func tcpCounters() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let client = try await server.streamClient(.tcp)
            try await client.send(Self.strayResponse(.tcp))
            let clean = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .tcp)
            #expect(try await client.exchange(clean)?.statusCode == 200)
            #expect(client.messages.count == 1, "the stray response was answered")
            var stats = await server.statistics()
            #expect(stats.strayResponses == 1)
            #expect(stats.answersByStatus == [200: 1])

            let garbage = try await server.streamClient(.tcp)
            try await garbage.send([0x16, 0x03, 0x01, 0x00, 0xFF, 0x0D, 0x0A, 0x0D, 0x0A])
            #expect(await garbage.waitForClose())
            stats = await server.statistics()
            #expect(stats.malformedDropped == 1)
            #expect(stats.responsesSent == 1)
        }
    }
}

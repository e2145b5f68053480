import Foundation
import NIOCore
import SecurityEvents
import SIPTransport
import Storage
import Testing
@testable import SIPWarden

/// Who is calling (every request for someone else than the server): providers by source
/// address, devices by digest credentials (407, RFC 3261 §22.3), nobody otherwise.
@Suite("Server: caller identification")
struct ServerCallerIdentificationTests {
    static func invite(to user: String, server: SocketAddress, callID: String, cseq: Int, authorization: String? = nil) -> TestRequest {
        var request = TestRequest(method: "INVITE", host: server.ipAddress!, user: user, transport: .udp)
        request.callID = callID
        request.cseq = cseq
        request.fromTag = "caller"
        request.extraHeaders = ["Contact: <sip:caller@client.invalid>", "User-Agent: friendly-phone/2.0"]
        if let authorization { request.extraHeaders.append("Proxy-Authorization: \(authorization)") }
        return request
    }

    /// Sends an INVITE, waits for its final answer, and acknowledges it (RFC 3261 §17.1.1.3).
    static func call(_ request: TestRequest, client: UDPTestClient, server: SocketAddress) async throws -> TestMessage {
        let mark = client.mark
        try await client.send(request.bytes, to: server)
        let answer = try #require(await poll(timeout: Wait.answer) {
            client.arrivals(since: mark).compactMap { TestMessage.parse(datagram: $0.bytes) }.first { ($0.statusCode ?? 0) >= 200 }
        }, "no final answer to the INVITE")
        var ack = request
        ack.method = "ACK"
        ack.cseqMethod = "ACK"
        ack.to = answer.value("To") ?? request.to
        ack.body = ""
        try await client.send(ack.bytes, to: server)
        return answer
    }

    static func nonce(_ answer: TestMessage) throws -> String {
        try #require(answer.values("Proxy-Authenticate").compactMap { DigestClient.challenge($0) }.first?.nonce)
    }

    @Test("an INVITE without credentials is challenged with 407; wrong credentials again; one unidentified attempt is recorded with the originator's details")
    func unidentifiedCaller() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let attempts = try await withRegistrarServer(fixture, clock: clock) { server, setup in
            let collector = EventCollector(setup.events)
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let first = try await Self.call(Self.invite(to: "0044900123456", server: target, callID: "scan-1", cseq: 1), client: client, server: target)
            #expect(first.statusCode == 407)
            #expect(first.values("Proxy-Authenticate").count == 1)
            let credentials = DigestClient.credentials(
                username: "1001", password: "guess-123-Guess", nonce: try Self.nonce(first), method: "INVITE", uri: "sip:0044900123456@127.0.0.1")
            let second = try await Self.call(Self.invite(to: "0044900123456", server: target, callID: "scan-1", cseq: 2, authorization: credentials), client: client, server: target)
            #expect(second.statusCode == 407)
            // A third try on the same Call-ID is not a second record.
            _ = try await Self.call(Self.invite(to: "0044900123456", server: target, callID: "scan-1", cseq: 3, authorization: credentials), client: client, server: target)
            clock.advance(seconds: 40)
            setup.callers.tick()
            _ = await poll(timeout: Wait.answer) { collector.of(.unidentifiedCallAttempt).isEmpty ? nil : true }
            try await Task.sleep(for: .milliseconds(200))
            return collector.of(.unidentifiedCallAttempt)
        }
        #expect(attempts.count == 1)
        let attempt = try #require(attempts.first)
        #expect(attempt.reason == "bad credentials")
        #expect(attempt.username == "1001")
        #expect(attempt.source.ip == "127.0.0.1")
        #expect(attempt.source.transport == "udp")
        #expect(attempt.packet.method == "INVITE")
        #expect(attempt.packet.requestURI == "sip:0044900123456@127.0.0.1")
        #expect(attempt.packet.userAgent == "friendly-phone/2.0")
        #expect(attempt.packet.contact == "<sip:caller@client.invalid>")
        #expect(attempt.packet.from.contains("tag=caller"))
    }

    @Test("a challenge left unanswered becomes an unidentified attempt after 32 s, and is written to the database")
    func unansweredChallenge() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        try await withRegistrarServer(fixture, clock: clock) { server, setup in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let answer = try await Self.call(Self.invite(to: "100", server: target, callID: "probe-1", cseq: 1), client: client, server: target)
            #expect(answer.statusCode == 407)
            let events = EventCollector(setup.events)
            clock.advance(seconds: 31)
            setup.callers.tick()
            #expect(setup.callers.pendingChallenges == 1)
            clock.advance(seconds: 2)
            setup.callers.tick()
            #expect(setup.callers.pendingChallenges == 0)
            let recorded = await poll(timeout: Wait.answer) { events.of(.unidentifiedCallAttempt).first }
            #expect(recorded?.reason == "challenge not answered with valid credentials")
            // The recorder stores what it is given, as the running server does.
            if let recorded { setup.recorder.record(recorded) }
            setup.recorder.flush()
        }
        let stored = try fixture.database.unidentifiedAttempts(limit: 10)
        #expect(stored.count == 1)
        #expect(stored.first?.callID == "probe-1")
        #expect(stored.first?.requestURI == "sip:100@127.0.0.1")
    }

    @Test("a phone that answers the challenge correctly is identified and leaves no unidentified attempt")
    func identifiedPhone() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let events = try await withRegistrarServer(fixture, clock: clock) { server, setup in
            let collector = EventCollector(setup.events)
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let first = try await Self.call(Self.invite(to: "1002", server: target, callID: "call-ok", cseq: 1), client: client, server: target)
            #expect(first.statusCode == 407)
            let credentials = DigestClient.credentials(
                username: "1001", password: RegistrarFixture.password, nonce: try Self.nonce(first), method: "INVITE", uri: "sip:1002@127.0.0.1")
            let second = try await Self.call(Self.invite(to: "1002", server: target, callID: "call-ok", cseq: 2, authorization: credentials), client: client, server: target)
            // Identified. `withRegistrarServer` starts the server without its call services (no
            // dial plan, no proxy), so an identified caller's INVITE reaches nobody: 404, never a ring.
            #expect(second.statusCode == 404)
            clock.advance(seconds: 40)
            setup.callers.tick()
            _ = await poll(timeout: Wait.answer) { collector.of(.authSuccess).isEmpty ? nil : true }
            try await Task.sleep(for: .milliseconds(200))
            return collector.all
        }
        #expect(events.map(\.kind) == [.authSuccess])
    }

    @Test("a provider is recognised by its source address without a challenge")
    func providerByAddress() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        var provider = Provider(name: "carrier", hosts: ["127.0.0.3"], createdAt: Date())
        provider.port = nil
        _ = try fixture.database.insert(provider)
        try await withRegistrarServer(fixture) { server, setup in
            let target = try server.address(.udp)
            let carrier = try await server.udpClient(host: "127.0.0.3")
            let fromCarrier = try await Self.call(Self.invite(to: "442071234567", server: target, callID: "from-carrier", cseq: 1), client: carrier, server: target)
            #expect(fromCarrier.statusCode == 404, "identified as the provider: no challenge (and no call services in this server, so 404)")
            let stranger = try await server.udpClient(host: "127.0.0.4")
            let fromStranger = try await Self.call(Self.invite(to: "442071234567", server: target, callID: "from-stranger", cseq: 1), client: stranger, server: target)
            #expect(fromStranger.statusCode == 407)
        }
    }
}

import Foundation
import NIOCore
import SecurityEvents
import SIPTransport
import Storage
import Testing
@testable import SIPWarden

/// REGISTER with digest authentication over real sockets (RFC 3261 §10.3, §22).
@Suite("Server: registrar and digest authentication")
struct ServerRegistrarTests {
    /// A REGISTER for `user` from `client`, with credentials when given.
    static func register(
        _ user: String, server: SocketAddress, client: UDPTestClient, callID: String, cseq: Int, authorization: String? = nil,
        contact: String? = nil, expires: Int? = 600, branch: String = "z9hG4bK-" + TestRequest.token()
    ) -> TestRequest {
        var request = TestRequest(method: "REGISTER", host: server.ipAddress!, transport: .udp)
        request.to = "<sip:\(user)@\(server.ipAddress!)>"
        request.callID = callID
        request.cseq = cseq
        request.branch = branch
        request.extraHeaders = [
            "Contact: <\(contact ?? "sip:\(user)@\(client.ip):\(client.port)")>",
            "User-Agent: TestPhone/1.0",
        ]
        if let expires { request.extraHeaders.append("Expires: \(expires)") }
        if let authorization { request.extraHeaders.append("Authorization: \(authorization)") }
        return request
    }

    /// Sends and waits for the answer with that CSeq.
    static func exchange(_ request: TestRequest, client: UDPTestClient, server: SocketAddress) async throws -> TestMessage {
        let mark = client.mark
        try await client.send(request.bytes, to: server)
        let answer = await poll(timeout: Wait.answer) {
            client.arrivals(since: mark).compactMap { TestMessage.parse(datagram: $0.bytes) }.first { $0.statusCode != nil }
        }
        return try #require(answer, "no answer to \(request.method) CSeq \(request.cseq)")
    }

    /// Challenge, then answer it: the second answer.
    static func registerWithCredentials(
        _ user: String, password: String, server: SocketAddress, client: UDPTestClient, callID: String = "reg-" + TestRequest.token(),
        expires: Int? = 600, contact: String? = nil
    ) async throws -> (challenge: TestMessage, answer: TestMessage) {
        let challenge = try await exchange(register(user, server: server, client: client, callID: callID, cseq: 1, contact: contact, expires: expires), client: client, server: server)
        let nonce = try #require(challenge.values("WWW-Authenticate").compactMap { DigestClient.challenge($0) }.first?.nonce)
        let uri = "sip:\(server.ipAddress!)"
        let authorization = DigestClient.credentials(username: user, password: password, nonce: nonce, method: "REGISTER", uri: uri)
        let answer = try await exchange(register(user, server: server, client: client, callID: callID, cseq: 2, authorization: authorization, contact: contact, expires: expires), client: client, server: server)
        return (challenge, answer)
    }

    @Test("by default the 401 offers MD5 alone, which every common client answers")
    func defaultChallenge() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try await withRegistrarServer(fixture) { server, _ in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let challenge = try await Self.exchange(Self.register("1001", server: target, client: client, callID: "default-1", cseq: 1), client: client, server: target)
            #expect(challenge.statusCode == 401)
            #expect(challenge.values("WWW-Authenticate").count == 1)
            #expect(challenge.value("WWW-Authenticate")?.contains("algorithm=MD5, qop=\"auth\"") == true)
        }
    }

    @Test("configured for both, the 401 offers MD5 then SHA-256 (RFC 8760 §2.4); right credentials get 200 listing the binding with its expiry, and a Date")
    func registerSucceeds() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let device = try fixture.addDevice("1001")
        try await withRegistrarServer(fixture, configure: { $0.auth.algorithms = [.md5, .sha256] }) { server, setup in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let (challenge, answer) = try await Self.registerWithCredentials("1001", password: RegistrarFixture.password, server: target, client: client)
            #expect(challenge.statusCode == 401)
            let offered = challenge.values("WWW-Authenticate")
            #expect(offered.count == 2)
            #expect(offered.first?.contains("algorithm=MD5") == true)
            #expect(offered.last?.contains("algorithm=SHA-256") == true)
            #expect(offered.allSatisfy { $0.contains("realm=\"sipwarden\"") && $0.contains("qop=\"auth\"") })
            #expect(answer.statusCode == 200)
            #expect(answer.values("Contact") == ["<sip:1001@\(client.ip):\(client.port)>;expires=600"])
            #expect(answer.value("Date")?.hasSuffix("GMT") == true)
            let bindings = setup.callers.registrar.all
            #expect(bindings.count == 1)
            #expect(bindings.first?.deviceId == device.id)
            #expect(bindings.first?.source == .init(transport: "udp", ip: client.ip, port: client.port))
        }
    }

    @Test("an unknown user and a known user with a wrong password get the same answer, and neither gets a binding")
    func noEnumeration() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let events = try await withRegistrarServer(fixture) { server, setup in
            let collector = EventCollector(setup.events)
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            var answers: [TestMessage] = []
            for user in ["1001", "9999"] {
                let challenge = try await Self.exchange(Self.register(user, server: target, client: client, callID: "same-call", cseq: 1, branch: "z9hG4bK-one"), client: client, server: target)
                let nonce = try #require(challenge.values("WWW-Authenticate").compactMap { DigestClient.challenge($0) }.first?.nonce)
                let authorization = DigestClient.credentials(username: user, password: "Wrong-Pass-1234", nonce: nonce, method: "REGISTER", uri: "sip:\(target.ipAddress!)")
                var request = Self.register(user, server: target, client: client, callID: "same-call", cseq: 2, authorization: authorization, branch: "z9hG4bK-two")
                request.to = "<sip:someone@\(target.ipAddress!)>"
                request.fromTag = "fixed"
                answers.append(try await Self.exchange(request, client: client, server: target))
            }
            #expect(answers.map(\.statusCode) == [401, 401])
            // Byte for byte the same, once the nonces (fresh each time) are set aside.
            func normalised(_ message: TestMessage) -> [String] {
                let nonce = message.values("WWW-Authenticate").compactMap { DigestClient.challenge($0)?.nonce }.first ?? "?"
                return ([message.startLine] + message.headers.map { "\($0.name): \($0.value)" }).map { $0.replacingOccurrences(of: nonce, with: "NONCE") }
            }
            #expect(normalised(answers[0]) == normalised(answers[1]))
            #expect(!answers[0].values("WWW-Authenticate").contains { $0.contains("stale") })
            #expect(setup.callers.registrar.count == 0)
            _ = await poll(timeout: Wait.answer) { collector.all.count >= 2 ? true : nil }
            return collector.all
        }
        #expect(events.map(\.kind) == [.authFailure, .unknownUser])
        #expect(events.map(\.username) == ["1001", "9999"])
    }

    @Test("423 with Min-Expires for a too brief registration; Expires 0 removes the binding (RFC 3261 §10.3 step 7)")
    func expiryRules() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        try await withRegistrarServer(fixture) { server, setup in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let brief = try await Self.registerWithCredentials("1001", password: RegistrarFixture.password, server: target, client: client, expires: 10)
            #expect(brief.answer.statusCode == 423)
            #expect(brief.answer.value("Min-Expires") == "60")
            #expect(setup.callers.registrar.count == 0)
            let callID = "reg-" + TestRequest.token()
            _ = try await Self.registerWithCredentials("1001", password: RegistrarFixture.password, server: target, client: client, callID: callID)
            #expect(setup.callers.registrar.count == 1)
            let removal = try await Self.registerWithCredentials("1001", password: RegistrarFixture.password, server: target, client: client, callID: callID + "-x", expires: 0)
            #expect(removal.answer.statusCode == 200)
            #expect(removal.answer.values("Contact").isEmpty)
            #expect(setup.callers.registrar.count == 0)
        }
    }

    @Test("bindings are written to the database, survive a restart, and expire on time")
    func persistence() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        try await withRegistrarServer(fixture, clock: clock) { server, setup in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let (_, answer) = try await Self.registerWithCredentials("1001", password: RegistrarFixture.password, server: target, client: client, expires: 120)
            #expect(answer.statusCode == 200)
            setup.maintenance.writeChanges()
        }
        let stored = try fixture.database.registrations(deviceId: nil)
        #expect(stored.count == 1)
        #expect(stored.first?.sourceIP == "127.0.0.1")
        #expect(stored.first?.userAgent == "TestPhone/1.0")
        clock.advance(seconds: 60)
        try await withRegistrarServer(fixture, clock: clock) { _, setup in
            #expect(setup.callers.registrar.count == 1, "the binding is back after the restart")
            clock.advance(seconds: 61)
            setup.callers.tick()
            #expect(setup.callers.registrar.count == 0, "the binding expired on time")
            setup.maintenance.writeChanges()
        }
        #expect(try fixture.database.registrations(deviceId: nil).isEmpty)
    }

    @Test("a device with allowed networks is refused from elsewhere, with the same answer as a wrong password")
    func allowedNetworks() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001", allowedNetworks: ["10.0.0.0/8"])
        try await withRegistrarServer(fixture) { server, setup in
            let collector = EventCollector(setup.events)
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let (_, answer) = try await Self.registerWithCredentials("1001", password: RegistrarFixture.password, server: target, client: client)
            #expect(answer.statusCode == 401)
            #expect(setup.callers.registrar.count == 0)
            let refused = await poll(timeout: Wait.answer) { collector.of(.sourceRefused).first }
            #expect(refused?.username == "1001")
        }
    }
}

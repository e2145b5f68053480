import NIOCore
import SIPTransport
import SIPWarden
import Testing

/// OPTIONS to the running server itself, over every transport and both loopback families.
@Suite("Server: OPTIONS to the server itself")
struct ServerOptionsTests {
    struct Route: Sendable, CustomStringConvertible {
        let transport: SIPTransportKind
        let host: String
        var description: String { "\(transport) on \(host)" }
    }

    static let routes: [Route] = ServerSetup.everyListener.map { Route(transport: $0.0, host: $0.1) }

    /// Sends `request` twice (a retransmission: the same bytes) and returns both answers.
    static func exchangeTwice(_ request: TestRequest, route: Route, server: TestServer) async throws -> (TestMessage?, TestMessage?, localPort: Int) {
        if route.transport == .udp {
            let client = try await server.udpClient(host: route.host)
            let target = try server.address(.udp, host: route.host)
            try await client.send(request.bytes, to: target)
            _ = await client.waitForMessages(count: 1)
            try await client.send(request.bytes, to: target)
            let answers = await client.waitForMessages(count: 2)
            return (answers.first, answers.dropFirst().first, client.port)
        }
        let client = try await server.streamClient(route.transport, host: route.host)
        try await client.send(request.bytes)
        _ = await client.waitForMessages(count: 1)
        try await client.send(request.bytes)
        let answers = await client.waitForMessages(count: 2)
        return (answers.first, answers.dropFirst().first, client.port)
    }

    @Test("200 with Allow, Accept, Supported; Via gets received and rport; the To tag is stable (RFC 3261 §11.2, §18.2.1, §8.2.7; RFC 3581 §4)", arguments: routes)
    func optionsAnswered(_ route: Route) async throws {
        try await withServer(ServerSetup.configuration(ServerSetup.everyListener)) { server in
            let request = TestRequest(method: "OPTIONS", host: route.host, transport: route.transport)
            let (first, second, localPort) = try await Self.exchangeTwice(request, route: route, server: server)
            let answer = try #require(first, "no answer over \(route)")
            #expect(answer.statusCode == 200, "\(answer)")
            #expect(answer.callID == request.callID)
            #expect(answer.cseqMethod == "OPTIONS")
            // §11.2: what the server can do.
            #expect(answer.listValues("Allow").contains("OPTIONS"), "\(answer)")
            #expect(answer.listValues("Accept").contains("application/sdp"), "\(answer)")
            #expect(!answer.values("Supported").isEmpty, "Supported is missing: \(answer)")
            // §18.2.1: sent-by is a name, so `received` holds the source address;
            // RFC 3581 §4: rport asked for, so it holds the source port.
            let via = try #require(answer.topVia)
            let parameters = TestMessage.viaParameters(via)
            #expect(parameters["received"] == route.host, "\(via)")
            #expect(parameters["rport"] == "\(localPort)", "\(via)")
            #expect(parameters["branch"] == request.branch, "\(via)")
            // §8.2.7: answered statelessly, a retransmission gets the same To tag.
            let tag = try #require(answer.toTag, "no To tag: \(answer)")
            #expect(!tag.isEmpty)
            let retransmissionAnswer = try #require(second, "the retransmission was not answered over \(route)")
            #expect(retransmissionAnswer.statusCode == 200)
            #expect(retransmissionAnswer.toTag == tag)
        }
    }

    @Test("no answer names the product unless sip.server_header says so")
    func noBanner() async throws {
        for header in ["", "Example PBX"] {
            var configuration = ServerSetup.configuration()
            configuration.serverHeader = header
            try await withServer(configuration) { server in
                let client = try await server.udpClient()
                let request = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
                try await client.send(request.bytes, to: try server.address(.udp))
                let answer = try #require(await client.response(callID: request.callID))
                #expect(answer.value("Server") == (header.isEmpty ? nil : header))
                #expect(!String(decoding: answer.raw, as: UTF8.self).lowercased().contains("sipwarden"))
            }
        }
        #expect(ServerConfiguration().serverHeader.isEmpty)
    }

    @Test("a different request gets a different To tag (RFC 3261 §19.3)")
    func distinctTags() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let client = try await server.udpClient()
            let target = try server.address(.udp)
            let first = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
            let second = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
            try await client.send(first.bytes, to: target)
            try await client.send(second.bytes, to: target)
            let a = try #require(await client.response(callID: first.callID))
            let b = try #require(await client.response(callID: second.callID))
            #expect(a.toTag != nil && a.toTag != b.toTag)
        }
    }

    @Test("without rport the answer still goes to the packet's source port (force_rport, RFC 3581 §4)", arguments: [ServerSetup.ipv4, ServerSetup.ipv6])
    func answerToSourcePortWithoutRport(_ host: String) async throws {
        try await withServer(ServerSetup.configuration([(.udp, host)])) { server in
            let client = try await server.udpClient(host: host)
            var request = TestRequest(method: "OPTIONS", host: host, transport: .udp)
            // The sent-by names the right host but another port (9, discard): a server that
            // believed it would answer there, not to the socket that sent the request.
            request.sentBy = (host.contains(":") ? "[\(host)]" : host) + ":9"
            request.rport = false
            try await client.send(request.bytes, to: try server.address(.udp, host: host))
            let answer = try #require(await client.response(callID: request.callID), "no answer at the source port")
            #expect(answer.statusCode == 200)
            let via = try #require(answer.topVia)
            // RFC 3581 §4: rport is filled in only when the request asked for it.
            #expect(TestMessage.viaParameters(via)["rport"] == nil, "\(via)")
        }
    }
}

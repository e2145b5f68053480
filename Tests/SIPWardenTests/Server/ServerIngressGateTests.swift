import NIOCore
import SIPTransport
import SIPWarden
import Synchronization
import Testing

/// The ingress gate decides on the source address alone, before anything is parsed.
@Suite("Server: the ingress gate")
struct ServerIngressGateTests {
    /// Drops one IP address, admits every other; counts its drops per transport.
    final class DropOneAddressGate: IngressGate {
        let dropped: String
        private let drops = Mutex<[SIPTransportKind: Int]>([:])

        init(dropping address: String) { dropped = address }

        func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision {
            guard source.ipAddress == dropped else { return .admit }
            drops.withLock { $0[transport, default: 0] += 1 }
            return .drop
        }

        func admitsConnection(from source: SocketAddress, transport: SIPTransportKind) -> Bool {
            decide(source: source, transport: transport) == .admit
        }

        func dropCount(_ transport: SIPTransportKind) -> Int { drops.withLock { $0[transport, default: 0] } }
    }

    static let banned = "127.0.0.2"

    @Test("a dropped source gets no answer over UDP, while 127.0.0.1 is answered")
    func udp() async throws {
        let gate = DropOneAddressGate(dropping: Self.banned)
        try await withServer(ServerSetup.configuration(), gate: gate) { server in
            let target = try server.address(.udp)
            let banned = try await server.udpClient(host: Self.banned)
            #expect(banned.ip == Self.banned)
            let allowed = try await server.udpClient()
            let bannedRequest = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
            let allowedRequest = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
            try await banned.send(bannedRequest.bytes, to: target)
            // One event loop, one socket: the banned datagram was read before this one.
            try await allowed.send(allowedRequest.bytes, to: target)
            #expect(await allowed.response(callID: allowedRequest.callID)?.statusCode == 200)
            #expect(gate.dropCount(.udp) == 1)
            try? await Task.sleep(for: Wait.silence)
            #expect(banned.inbox.datagrams.isEmpty, "the dropped source was answered")
            #expect(await server.statistics().requests == 1, "the dropped datagram reached the engine")
        }
    }

    @Test("a dropped source's TCP and TLS connections are closed at once, while 127.0.0.1 is served", arguments: [SIPTransportKind.tcp, .tls])
    func stream(_ transport: SIPTransportKind) async throws {
        let gate = DropOneAddressGate(dropping: Self.banned)
        try await withServer(ServerSetup.configuration([(transport, ServerSetup.ipv4)]), gate: gate) { server in
            let banned = try await server.streamClient(transport, from: Self.banned)
            try? await banned.send(TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport).bytes)
            #expect(await banned.waitForClose(), "the dropped source's connection is open")
            #expect(banned.messages.isEmpty)
            // The gate drops 127.0.0.2 only, so one drop proves where the client connected
            // from (its own local address may already be gone once the server has closed).
            #expect(gate.dropCount(transport) == 1)
            let allowed = try await server.streamClient(transport)
            #expect(try await allowed.exchange(TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport))?.statusCode == 200)
            #expect(server.server.connectionCount == 1, "the refused connection is counted")
        }
    }
}

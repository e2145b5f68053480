import NIOCore
import SIPTransport
import Testing

/// A peer that opened a TCP or TLS connection is reached on that connection: the server
/// finds it by the peer's address and port, and what it sends there arrives.
@Suite("Server: requests on the peer's own connection")
struct ServerConnectionReuseTests {
    @Test("a request to a connected peer goes out on the connection the peer opened", arguments: [SIPTransportKind.tcp, .tls])
    func reuse(_ transport: SIPTransportKind) async throws {
        try await withServer(ServerSetup.configuration([(transport, ServerSetup.ipv4)])) { server in
            let client = try await server.streamClient(transport)
            // An exchange first: the connection is then in the table for certain.
            #expect(try await client.exchange(TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport))?.statusCode == 200)
            let address = try #require(client.localAddress)
            let sender = try #require(server.server.sender(onConnectionFrom: address), "no connection from \(address)")
            let request = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport)
            sender.sendNow(ByteBuffer(bytes: request.bytes))
            let arrived = await client.waitForMessages(count: 2)
            #expect(arrived.count == 2, "the request did not arrive on the peer's connection")
            #expect(arrived.last?.callID == request.callID)
            #expect(arrived.last?.statusCode == nil, "a request was expected")
        }
    }

    @Test("no connection from an address: no sender")
    func noConnection() async throws {
        try await withServer(ServerSetup.configuration([(.tcp, ServerSetup.ipv4)])) { server in
            let nobody = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
            #expect(server.server.sender(onConnectionFrom: nobody) == nil)
        }
    }
}

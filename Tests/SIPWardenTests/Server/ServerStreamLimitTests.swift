import NIOCore
import SIPTransport
import SIPWarden
import Testing

/// TCP and TLS connection limits and timers, on a running server.
@Suite("Server: TCP and TLS limits")
struct ServerStreamLimitTests {
    static let streams: [SIPTransportKind] = [.tcp, .tls]

    static func configuration(_ transport: SIPTransportKind, _ change: (inout SIPTransportConfiguration) -> Void) -> ServerConfiguration {
        var configuration = ServerSetup.configuration([(.udp, ServerSetup.ipv4), (transport, ServerSetup.ipv4)])
        change(&configuration.transport)
        return configuration
    }

    static func options(_ transport: SIPTransportKind) -> TestRequest {
        TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport)
    }

    @Test("the connection over the per-IP cap is closed at once; the others stay usable", arguments: streams)
    func perIPCap(_ transport: SIPTransportKind) async throws {
        try await withServer(Self.configuration(transport) { $0.maxConnectionsPerIP = 3 }) { server in
            var admitted: [StreamTestClient] = []
            for _ in 0..<3 {
                let client = try await server.streamClient(transport)
                // Answered: accepted and counted before the next one connects.
                #expect(try await client.exchange(Self.options(transport))?.statusCode == 200)
                admitted.append(client)
            }
            #expect(server.server.connectionCount == 3)
            let fourth = try await server.streamClient(transport)
            #expect(await fourth.waitForClose(), "the 4th connection from 127.0.0.1 was not closed")
            #expect(fourth.messages.isEmpty)
            for (index, client) in admitted.enumerated() {
                #expect(try await client.exchange(Self.options(transport))?.statusCode == 200, "connection \(index + 1) no longer answered")
            }
            // A closed connection frees its place.
            await admitted[0].close()
            let admittedAgain = await poll(timeout: Wait.answer) { server.server.connectionCount == 2 ? true : nil }
            #expect(admittedAgain == true, "the closed connection is still counted")
            let replacement = try await server.streamClient(transport)
            #expect(try await replacement.exchange(Self.options(transport))?.statusCode == 200)
        }
    }

    @Test("an idle connection is closed after the idle timeout", arguments: streams)
    func idleTimeout(_ transport: SIPTransportKind) async throws {
        // Three seconds: long enough for a TLS handshake and a first exchange while the whole
        // suite loads both cores (the idle clock starts at accept), and short enough that the
        // close comes within the client's five-second wait.
        try await withServer(Self.configuration(transport) { $0.idleTimeout = .seconds(3) }) { server in
            let client = try await server.streamClient(transport)
            #expect(try await client.exchange(Self.options(transport))?.statusCode == 200)
            #expect(await client.waitForClose(), "the idle connection is still open")
            let released = await poll(timeout: Wait.answer) { server.server.connectionCount == 0 ? true : nil }
            #expect(released == true, "the closed connection is still counted")
        }
    }

    @Test("a peer trickling a message slower than the assembly timeout is cut off; a clean client is answered meanwhile", arguments: streams)
    func messageAssemblyTimeout(_ transport: SIPTransportKind) async throws {
        try await withServer(Self.configuration(transport) { $0.messageAssemblyTimeout = .milliseconds(400) }) { server in
            let trickler = try await server.streamClient(transport)
            let clean = try await server.streamClient(transport)
            let message = Self.options(transport).bytes
            // One byte every 20 ms: each arrives well inside the idle timeout, but the whole
            // message would take seconds.
            let trickle = Task {
                var sent = 0
                for byte in message {
                    if trickler.isClosed { break }
                    try? await trickler.send([byte])
                    sent += 1
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return sent
            }
            var answered = 0
            for _ in 0..<5 {
                if try await clean.exchange(Self.options(transport))?.statusCode == 200 { answered += 1 }
            }
            #expect(answered == 5, "the clean client was not answered while the trickler was connected")
            #expect(await trickler.waitForClose(), "the trickling peer was not disconnected")
            let sent = await trickle.value
            #expect(sent < message.count, "the trickler finished its message (\(sent) bytes) before being cut off")
            #expect(trickler.messages.isEmpty, "the trickled message was answered")
            #expect(try await clean.exchange(Self.options(transport))?.statusCode == 200)
        }
    }

    @Test("a TCP client on the TLS port that never starts the handshake is disconnected")
    func tlsHandshakeTimeout() async throws {
        try await withServer(Self.configuration(.tls) { $0.tlsHandshakeTimeout = .milliseconds(300) }) { server in
            let silent = try await server.plainClient(to: .tls)
            #expect(await silent.waitForClose(), "the connection without a handshake is still open")
            // A real TLS client is still served.
            let client = try await server.streamClient(.tls)
            #expect(try await client.exchange(Self.options(.tls))?.statusCode == 200)
        }
    }

    @Test("a CRLFCRLF ping gets one CRLF back, and the connection stays usable (RFC 5626 §3.5.1)", arguments: streams)
    func keepAlive(_ transport: SIPTransportKind) async throws {
        try await withServer(Self.configuration(transport) { _ in }) { server in
            let client = try await server.streamClient(transport)
            try await client.send("\r\n\r\n")
            let pong = await poll(timeout: Wait.answer) { client.received.count >= 2 ? client.received : nil }
            #expect(pong == [13, 10], "pong: \(pong.map { String(decoding: $0, as: UTF8.self).replacingCRLF() } ?? "none")")
            #expect(try await client.exchange(Self.options(transport))?.statusCode == 200)
            #expect(!client.isClosed)
        }
    }

    @Test("a CRLFCRLF keep-alive datagram gets no answer over UDP (RFC 5626 §4.4.1 keeps UDP alive with STUN)")
    func udpKeepAliveIgnored() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            try await client.send("\r\n\r\n", to: target)
            let arrived = try #require(try await client.arrivalsBeforeSentinel(since: 0, server: target))
            #expect(arrived.isEmpty, "the keep-alive was answered: \(arrived.map { $0.bytes })")
        }
    }
}

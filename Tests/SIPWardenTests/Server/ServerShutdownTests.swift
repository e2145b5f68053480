import NIOCore
import NIOPosix
import SIPTransport
import SIPWarden
import Testing

/// Graceful shutdown: ports closed, connections closed, and the server can start again.
@Suite("Server: shutdown")
struct ServerShutdownTests {
    static func options(_ transport: SIPTransportKind) -> TestRequest {
        TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport)
    }

    @Test("after shutdown the ports are closed and open connections are closed; a second start works")
    func shutdownAndRestart() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let configuration = ServerSetup.configuration([(.udp, ServerSetup.ipv4), (.tcp, ServerSetup.ipv4), (.tls, ServerSetup.ipv4)])
        let server = SIPServer(configuration: configuration, logger: silentLogger, group: group)
        let running = TestServer(server: server, listeners: try await server.start())
        do {
            let tcp = try await running.streamClient(.tcp)
            let tls = try await running.streamClient(.tls)
            let udp = try await running.udpClient()
            let udpTarget = try running.address(.udp)
            #expect(try await tcp.exchange(Self.options(.tcp))?.statusCode == 200)
            #expect(try await tls.exchange(Self.options(.tls))?.statusCode == 200)
            let before = Self.options(.udp)
            try await udp.send(before.bytes, to: udpTarget)
            #expect(await udp.response(callID: before.callID)?.statusCode == 200)
            #expect(server.connectionCount == 2)

            await server.shutdown()

            #expect(await tcp.waitForClose(), "the TCP connection survived the shutdown")
            #expect(await tls.waitForClose(), "the TLS connection survived the shutdown")
            for transport in [SIPTransportKind.tcp, .tls] {
                let address = try running.address(transport)
                await #expect(throws: (any Error).self, "\(transport) port still accepts connections") {
                    let late = try await StreamTestClient.connect(to: address, tls: false)
                    await late.close()
                }
            }
            let after = Self.options(.udp)
            let mark = udp.mark
            try await udp.send(after.bytes, to: udpTarget)
            try? await Task.sleep(for: Wait.silence)
            #expect(udp.arrivals(since: mark).isEmpty, "the UDP port still answers")

            // The same server, started again on fresh port-0 listeners.
            let restarted = TestServer(server: server, listeners: try await server.start())
            let again = Self.options(.udp)
            let udp2 = try await restarted.udpClient()
            try await udp2.send(again.bytes, to: try restarted.address(.udp))
            #expect(await udp2.response(callID: again.callID)?.statusCode == 200, "no answer after the restart")
            let tcp2 = try await restarted.streamClient(.tcp)
            #expect(try await tcp2.exchange(Self.options(.tcp))?.statusCode == 200)
            let tls2 = try await restarted.streamClient(.tls)
            #expect(try await tls2.exchange(Self.options(.tls))?.statusCode == 200)
            await restarted.closeClients()
        } catch {
            Issue.record(error)
        }
        await running.closeClients()
        await server.shutdown()
        try await group.shutdownGracefully()
    }

    @Test("shutdown of a server that owns its event loops leaves nothing answering")
    func ownedGroup() async throws {
        let server = SIPServer(configuration: ServerSetup.configuration(), logger: silentLogger)
        let running = TestServer(server: server, listeners: try await server.start())
        let tcp = try await running.streamClient(.tcp)
        #expect(try await tcp.exchange(Self.options(.tcp))?.statusCode == 200)
        await server.shutdown()
        #expect(await tcp.waitForClose())
        let address = try running.address(.tcp)
        await #expect(throws: (any Error).self) {
            let late = try await StreamTestClient.connect(to: address)
            await late.close()
        }
        await running.closeClients()
        // A second shutdown is harmless.
        await server.shutdown()
    }
}

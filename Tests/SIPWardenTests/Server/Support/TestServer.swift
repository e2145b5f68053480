import Logging
import NIOCore
import NIOPosix
import SIPTransaction
import SIPTransport
import SIPWarden
import Switch
import Synchronization

let silentLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// A server started for one test, and the clients the test opened against it; `withServer`
/// closes both, whatever the test's outcome.
final class TestServer: Sendable {
    let server: SIPServer
    let listeners: [SIPBoundListener]
    private let closers = Mutex<[@Sendable () async -> Void]>([])

    init(server: SIPServer, listeners: [SIPBoundListener]) {
        self.server = server
        self.listeners = listeners
    }

    /// The bound address of the `transport` listener on `host`.
    func address(_ transport: SIPTransportKind, host: String = "127.0.0.1") throws -> SocketAddress {
        guard let listener = listeners.first(where: { $0.transport == transport && $0.address.ipAddress == host }) else {
            throw TestSetupError(description: "no \(transport) listener on \(host) among \(listeners)")
        }
        return listener.address
    }

    /// A UDP socket on `host` (which may be another 127.0.0.0/8 address than the server's).
    func udpClient(host: String = "127.0.0.1") async throws -> UDPTestClient {
        let client = try await UDPTestClient.bind(host: host)
        closers.withLock { $0.append { await client.close() } }
        return client
    }

    /// A connection to the `transport` listener on `host`, TLS for `.tls`.
    func streamClient(_ transport: SIPTransportKind, host: String = "127.0.0.1", from localHost: String? = nil) async throws -> StreamTestClient {
        let client = try await StreamTestClient.connect(to: try address(transport, host: host), tls: transport == .tls, from: localHost)
        closers.withLock { $0.append { await client.close() } }
        return client
    }

    /// A raw TCP connection (no TLS) to any listener, e.g. the TLS one.
    func plainClient(to transport: SIPTransportKind, host: String = "127.0.0.1") async throws -> StreamTestClient {
        let client = try await StreamTestClient.connect(to: try address(transport, host: host), tls: false)
        closers.withLock { $0.append { await client.close() } }
        return client
    }

    func statistics() async -> EngineStatistics { await server.statistics() }

    func closeClients() async {
        let all = closers.withLock { closers in
            defer { closers.removeAll() }
            return closers
        }
        for close in all { await close() }
    }
}

enum ServerSetup {
    static let ipv4 = "127.0.0.1"
    static let ipv6 = "::1"

    /// A configuration with the given listeners on port 0 and one event loop; TLS material
    /// is set when a TLS listener is asked for.
    static func configuration(
        _ listeners: [(SIPTransportKind, String)] = [(.udp, ipv4), (.tcp, ipv4)], threads: Int = 1
    ) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.listeners = listeners.map { SIPListenAddress(transport: $0.0, host: $0.1, port: 0) }
        configuration.threads = threads
        if listeners.contains(where: { $0.0 == .tls }) {
            configuration.tlsCertificatePath = TestTLS.certificatePath
            configuration.tlsPrivateKeyPath = TestTLS.privateKeyPath
        }
        return configuration
    }

    /// Every transport on 127.0.0.1 and ::1.
    static let everyListener: [(SIPTransportKind, String)] = [
        (.udp, ipv4), (.tcp, ipv4), (.tls, ipv4), (.udp, ipv6), (.tcp, ipv6), (.tls, ipv6),
    ]
}

/// Starts a server, runs `body`, then closes the clients and shuts the server down (also
/// when `body` throws).
func withServer<T>(
    _ configuration: ServerConfiguration, gate: any IngressGate = AdmitAllIngressGate(),
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let server = SIPServer(configuration: configuration, logger: silentLogger, gate: gate)
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

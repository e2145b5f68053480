import Console
import Foundation
import Guard
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOPosix
import Storage
import Synchronization
import Testing
@testable import SIPWarden

/// `GET /metrics` served by the HTTP app on a live loopback port: the Prometheus text to an
/// allowed address, a problem document to any other, and no route without metrics.
@Suite("Metrics: the /metrics route")
struct MetricsRouteTests {
    static let body: [UInt8] = Array("# TYPE sipwarden_sip_parse_errors_total counter\nsipwarden_sip_parse_errors_total 0\n".utf8)

    static func dependencies(allows: (@Sendable (String) -> Bool)?) throws -> ConsoleDependencies {
        var dependencies = ConsoleDependencies(
            database: try AppDatabase.inMemory(), hub: EventHub(), securityEvents: nil, eventChannelAllows: { _ in false },
            logger: Logger(label: "test"))
        if let allows {
            dependencies.metricsAllows = allows
            dependencies.metricsRender = { Self.body }
        }
        return dependencies
    }

    static func app(_ dependencies: ConsoleDependencies) throws -> some ApplicationProtocol {
        try ConsoleApplication.buildApplication(dependencies, host: "127.0.0.1", port: 0)
    }

    @Test("an allowed address gets 200, the text format's content type and the rendered bytes; it is asked for the peer's address")
    func allowed() async throws {
        let asked = AskedAddresses()
        let dependencies = try Self.dependencies(allows: { ip in
            asked.note(ip)
            return true
        })
        try await Self.app(dependencies).test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(Array(response.body.readableBytesView) == Self.body)
            }
        }
        #expect(asked.all == ["127.0.0.1"])
    }

    @Test("an address outside the allowed networks gets 403 as a problem document, and no figures")
    func refused() async throws {
        try await Self.app(try Self.dependencies(allows: { _ in false })).test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType] == "application/problem+json")
                let text = String(buffer: response.body)
                #expect(text.contains("network-not-allowed"))
                #expect(!text.contains("sipwarden_"))
            }
        }
    }

    @Test("without metrics in the dependencies there is no /metrics")
    func absent() async throws {
        try await Self.app(try Self.dependencies(allows: nil)).test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
        }
    }

    static func configuration(_ settings: ConsoleSettings) -> ServerConfiguration {
        var configuration = ServerSetup.configuration()
        configuration.console = settings
        return configuration
    }

    @Test("as serve wires it: metrics.allowed_networks decides, loopback by default, and the body is the server's own metrics")
    func wiredByTheConsoleService() async throws {
        // Never started: its metrics exist from the start, at zero. The shared loops, so that
        // nothing is left to shut down.
        let server = SIPServer(configuration: ServerSetup.configuration(), logger: silentLogger, group: .singleton)
        let database = try AppDatabase.inMemory()
        var settings = ConsoleSettings()
        let open = ConsoleService(configuration: Self.configuration(settings), database: database, hub: EventHub(), securityEvents: nil, logger: silentLogger, after: server)
        try await Self.app(open.dependencies).test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#"sipwarden_sip_requests_total{method="OPTIONS"} 0"#))
            }
        }
        settings.metricsNetworks = [try GuardNetwork(parsing: "192.0.2.0/24")]
        let closed = ConsoleService(configuration: Self.configuration(settings), database: database, hub: EventHub(), securityEvents: nil, logger: silentLogger, after: server)
        try await Self.app(closed.dependencies).test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .forbidden) }
        }
        let none = ConsoleService(configuration: Self.configuration(ConsoleSettings()), database: database, hub: EventHub(), securityEvents: nil, logger: silentLogger)
        #expect(none.dependencies.metricsRender == nil, "no server, no figures")
    }

    @Test("metrics.allowed_networks: loopback by default; a list in the file replaces it")
    func configuration() async throws {
        let defaults = try await GuardConfigurationFile.load(nil)
        #expect(defaults.console.metricsNetworks.map(\.description) == ["127.0.0.0/8", "::1/128"])
        let file = try await GuardConfigurationFile.load("""
            metrics:
              allowed_networks: ["10.0.0.0/8", "2001:db8::/32"]
            """)
        #expect(file.console.metricsNetworks.map(\.description) == ["10.0.0.0/8", "2001:db8::/32"])
        #expect(file.console.eventNetworks == defaults.console.eventNetworks, "the event channel's networks are its own")
    }
}

/// The addresses the route asked about.
final class AskedAddresses: Sendable {
    private let addresses = Mutex<[String]>([])
    func note(_ address: String) { addresses.withLock { $0.append(address) } }
    var all: [String] { addresses.withLock { $0 } }
}

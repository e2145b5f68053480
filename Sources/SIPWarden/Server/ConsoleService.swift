import UnixTime
import Console
import Foundation
import Guard
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import SecurityEvents
import ServiceLifecycle
import Storage
import Switch

/// Runs the HTTP app (`console.listen`) beside the SIP server: the live event channel, the
/// web console and the JSON API, over HTTPS when `console.tls.*` is set.
struct ConsoleService: Service {
    let configuration: ServerConfiguration
    /// The console's own connection to the database: its changes then reach the server's
    /// reload checks (SQLite's data_version counts other connections' commits only).
    let database: AppDatabase
    let hub: EventHub
    let securityEvents: (any SecurityEventSink)?
    let logger: Logger
    /// The SIP server: the HTTP listener opens once its listeners are bound, so that a
    /// server that cannot start never half-starts.
    let server: SIPServer?
    let filter: IngressFilter?
    let calls: CallServices?
    /// Printed as a one-time setup link while no admin exists.
    let setupToken: String?

    init(
        configuration: ServerConfiguration, database: AppDatabase, hub: EventHub, securityEvents: (any SecurityEventSink)?, logger: Logger,
        after server: SIPServer? = nil, filter: IngressFilter? = nil, calls: CallServices? = nil, setupToken: String? = nil
    ) {
        self.configuration = configuration
        self.server = server
        self.database = database
        self.hub = hub
        self.securityEvents = securityEvents
        self.logger = logger
        self.filter = filter
        self.calls = calls
        self.setupToken = setupToken
    }

    var settings: ConsoleSettings { configuration.console }

    func run() async throws {
        guard let host = settings.host else { return }
        if let server {
            while server.listeners.isEmpty {
                guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let scheme = settings.tlsCertificate == nil ? "http" : "https"
        let app = try web().buildApplication(
            dependencies, host: host, port: settings.port, tls: try tls(),
            onServerRunning: { [logger, setupToken] channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
                logger.info("console listening", metadata: ["address": "\(scheme)://\(shown)/", "event_channel": "/api/v1/events"])
                if let setupToken {
                    // The one way into a console without users, besides `sipwarden admin create`:
                    // a link with a token only this process's output shows.
                    logger.notice("no console admin exists yet: create one at \(scheme)://\(shown)/setup?token=\(setupToken) (or run sipwarden admin create)")
                }
            })
        try await withGracefulShutdownHandler {
            try await app.runService(gracefulShutdownSignals: [])
        } onGracefulShutdown: {
            hub.finishAll()
        }
    }

    func tls() throws -> TLSConfiguration? {
        guard let certificate = settings.tlsCertificate, let key = settings.tlsPrivateKey else { return nil }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    }

    func web() throws -> WebConsole {
        try WebConsole(
            database: database, configuration: configuration, security: securityEvents,
            admits: { [filter] ip in
                guard let filter, let key = AddressKey(ip) else { return true }
                return filter.admitsConnection(from: key)
            },
            liveCalls: { [calls] in
                (calls?.registry.snapshot ?? []).map { call in
                    WebConsole.LiveCall(
                        callID: call.record.callID, caller: call.record.callerName ?? call.callerFrom, number: call.record.dialledNumber,
                        accountId: call.accountId, answered: call.isAnswered, startedAt: UnixTime.date(call.record.startedAt),
                        sourceIP: call.record.sourceIP, userAgent: call.record.userAgent)
                }
            },
            setupToken: setupToken, logger: logger)
    }

    var dependencies: ConsoleDependencies {
        let networks = settings.eventNetworks
        var dependencies = ConsoleDependencies(
            database: database, hub: hub, securityEvents: securityEvents,
            eventChannelAllows: { ip in
                guard let key = AddressKey(ip) else { return false }
                return networks.contains { $0.contains(key) }
            },
            logger: logger)
        Self.addMetrics(to: &dependencies, settings: settings, server: server)
        dependencies.connectionAdmits = { [filter] ip in
            guard let filter, let key = AddressKey(ip) else { return true }
            return filter.admitsConnection(from: key)
        }
        dependencies.connectionLimits.maxConnections = settings.maxConnections
        dependencies.connectionLimits.maxConnectionsPerSource = settings.maxConnectionsPerIP
        dependencies.connectionLimits.ipv6PrefixLength = configuration.guardSettings.engine.ipv6PrefixLength
        dependencies.idleTimeout = .seconds(settings.idleTimeout)
        return dependencies
    }
}

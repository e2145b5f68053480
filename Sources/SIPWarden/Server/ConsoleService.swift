import Console
import Guard
import Hummingbird
import Logging
import NIOCore
import SecurityEvents
import ServiceLifecycle
import Storage

/// Runs the HTTP app (`console.listen`) beside the SIP server: the live event channel,
/// later the console and the JSON API.
struct ConsoleService: Service {
    let settings: ConsoleSettings
    let database: AppDatabase
    let hub: EventHub
    let securityEvents: (any SecurityEventSink)?
    let logger: Logger
    /// The SIP server: the HTTP listener opens once its listeners are bound, so that a
    /// server that cannot start never half-starts.
    let server: SIPServer?

    init(
        settings: ConsoleSettings, database: AppDatabase, hub: EventHub, securityEvents: (any SecurityEventSink)?, logger: Logger,
        after server: SIPServer? = nil
    ) {
        self.server = server
        self.settings = settings
        self.database = database
        self.hub = hub
        self.securityEvents = securityEvents
        self.logger = logger
    }

    func run() async throws {
        guard let host = settings.host else { return }
        if let server {
            while server.listeners.isEmpty {
                guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let app = ConsoleApplication.buildApplication(
            dependencies, host: host, port: settings.port,
            onServerRunning: { [logger] channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("console listening", metadata: ["address": "\(host):\(port)", "event_channel": "/api/v1/events"])
            })
        try await withGracefulShutdownHandler {
            try await app.runService(gracefulShutdownSignals: [])
        } onGracefulShutdown: {
            hub.finishAll()
        }
    }

    var dependencies: ConsoleDependencies {
        let networks = settings.eventNetworks
        return ConsoleDependencies(
            database: database, hub: hub, securityEvents: securityEvents,
            eventChannelAllows: { ip in
                guard let key = AddressKey(ip) else { return false }
                return networks.contains { $0.contains(key) }
            },
            logger: logger)
    }
}

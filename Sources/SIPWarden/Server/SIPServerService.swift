public import Logging
public import ServiceLifecycle

/// The server as a service of the lifecycle: starts the listeners, runs until graceful
/// shutdown (SIGTERM, SIGINT), then closes the listeners and connections and stops timers.
public struct SIPServerService: Service {
    public let server: SIPServer
    let logger: Logger

    public init(server: SIPServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    public func run() async throws {
        let listeners = try await server.start()
        logger.info("ready", metadata: ["listeners": "\(listeners.map(\.description).joined(separator: ", "))"])
        // Returns once graceful shutdown is triggered (or throws when the task is cancelled).
        try? await gracefulShutdown()
        logger.info("shutting down")
        await server.shutdown()
        logger.info("stopped")
    }
}

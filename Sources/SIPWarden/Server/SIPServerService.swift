public import Logging
public import ServiceLifecycle
public import Switch

/// The server as a service of the lifecycle: starts the listeners, runs until graceful
/// shutdown (SIGTERM, SIGINT), then closes the listeners and connections and stops timers.
public struct SIPServerService: Service {
    public let server: SIPServer
    let logger: Logger
    /// Calls a crash left up: both parties get a BYE once the listeners are bound.
    let orphans: [OrphanDialog]

    public init(server: SIPServer, logger: Logger, orphans: [OrphanDialog] = []) {
        self.server = server
        self.logger = logger
        self.orphans = orphans
    }

    public func run() async throws {
        let listeners = try await server.start()
        logger.info("ready", metadata: ["listeners": "\(listeners.map(\.description).joined(separator: ", "))"])
        if !orphans.isEmpty {
            await server.hangUp(orphans: orphans)
            logger.warning("hung up the calls the last run left up", metadata: ["calls": "\(orphans.count)"])
        }
        // Returns once graceful shutdown is triggered (or throws when the task is cancelled).
        try? await gracefulShutdown()
        logger.info("shutting down")
        await server.shutdown()
        logger.info("stopped")
    }
}

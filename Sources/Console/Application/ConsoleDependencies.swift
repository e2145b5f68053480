import Foundation
public import Hummingbird
public import Logging
public import SecurityEvents
public import Storage

/// What the HTTP app works with, handed in by the server (and by tests).
public struct ConsoleDependencies: Sendable {
    public var database: AppDatabase
    public var hub: EventHub
    /// Where failed API-key checks go (the Guard's api-auth jail counts them); nil: nowhere.
    public var securityEvents: (any SecurityEventSink)?
    /// Whether an address may open the event channel (`events.allowed_networks`).
    public var eventChannelAllows: @Sendable (String) -> Bool
    /// How often an idle event stream gets a keep-alive (an SSE comment, a WebSocket ping).
    public var keepAlive: Duration
    public var logger: Logger
    /// The console user a request's session cookie belongs to, if any may watch events
    /// (staff, not customers); nil: sessions are not accepted.
    public var sessionUser: (@Sendable (Request, ConsoleRequestContext) throws -> String?)?
    /// Whether an address may read `/metrics` (`metrics.allowed_networks`); with
    /// `metricsRender`, adds the route (`MetricsRoutes`); nil: no `/metrics`.
    public var metricsAllows: (@Sendable (String) -> Bool)?
    /// The metrics text (Prometheus format) a scrape gets.
    public var metricsRender: (@Sendable () -> [UInt8])?
    /// Whether a connection from an address is accepted at all (the Guard's verdict: not
    /// banned, not from a refused country); checked at accept, before TLS and HTTP.
    public var connectionAdmits: @Sendable (String) -> Bool = { _ in true }
    /// Connections at once, in total and per source (`console.max_connections`,
    /// `console.max_connections_per_ip`).
    public var connectionLimits = ConnectionGate.Limits()
    /// How long a connection may sit without a request before it is closed
    /// (`console.idle_timeout`): a slow or silent client cannot hold a connection.
    public var idleTimeout: Duration = .seconds(60)

    public init(
        database: AppDatabase, hub: EventHub, securityEvents: (any SecurityEventSink)?, eventChannelAllows: @escaping @Sendable (String) -> Bool,
        keepAlive: Duration = .seconds(15), logger: Logger
    ) {
        self.database = database
        self.hub = hub
        self.securityEvents = securityEvents
        self.eventChannelAllows = eventChannelAllows
        self.keepAlive = keepAlive
        self.logger = logger
    }
}

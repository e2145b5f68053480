public import Console
import Guard
public import NIOCore
public import Foundation
public import Hummingbird
public import NIOSSL
public import Logging
public import SecurityEvents
public import Storage

/// The web console and the JSON API: what they work with. The routes call the same
/// management commands as the CLI, through their own database connection (so that the
/// server's reload checks see the changes, as they see the CLI's).
public struct WebConsole: Sendable {
    /// A live call, for the dashboard and `/api/v1/calls/live`.
    public struct LiveCall: Sendable {
        public var callID: String
        public var caller: String
        public var number: String
        public var accountId: Int64?
        public var answered: Bool
        public var startedAt: Date
        public var sourceIP: String
        public var userAgent: String?

        public init(callID: String, caller: String, number: String, accountId: Int64?, answered: Bool, startedAt: Date, sourceIP: String, userAgent: String?) {
            self.callID = callID
            self.caller = caller
            self.number = number
            self.accountId = accountId
            self.answered = answered
            self.startedAt = startedAt
            self.sourceIP = sourceIP
            self.userAgent = userAgent
        }
    }

    let database: AppDatabase
    let configuration: ServerConfiguration
    let security: (any SecurityEventSink)?
    /// Whether the Guard lets an address in (not banned, not from a refused country).
    let admits: @Sendable (String) -> Bool
    let liveCalls: @Sendable () -> [LiveCall]
    /// The one-time setup token `serve` printed, while no admin exists.
    let setupToken: String?
    let logger: Logger
    let throttle: LoginThrottle
    /// Failed logins per user name, across sources (distributed guessing).
    let lockout: UserLockout
    let pages: PageRenderer
    /// bcrypt's cost: 12 in the server (about a quarter second a check), lower in tests.
    let bcryptCost: UInt8
    let clock: @Sendable () -> Date

    public init(
        database: AppDatabase, configuration: ServerConfiguration, security: (any SecurityEventSink)?,
        admits: @escaping @Sendable (String) -> Bool = { _ in true }, liveCalls: @escaping @Sendable () -> [LiveCall] = { [] },
        setupToken: String? = nil, logger: Logger, bcryptCost: UInt8 = 12, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.database = database
        self.configuration = configuration
        self.security = security
        self.admits = admits
        self.liveCalls = liveCalls
        self.setupToken = setupToken
        self.logger = logger
        self.throttle = LoginThrottle()
        self.lockout = UserLockout()
        self.pages = try PageRenderer()
        self.bcryptCost = bcryptCost
        self.clock = clock
    }

    var settings: ConsoleSettings { configuration.console }
    var secure: Bool { settings.tlsCertificate != nil }

    /// Whether an admin may work from `ip` (`console.admin_networks`; empty: anywhere).
    /// Checked at login, before the password, and on every request of an admin's session
    /// or admin API key.
    func adminAllowed(from ip: String) -> Bool {
        guard !settings.adminNetworks.isEmpty else { return true }
        guard let key = AddressKey(ip) else { return false }
        return settings.adminNetworks.contains { $0.contains(key) }
    }

    /// A management session acting for `identity`: its changes are logged under its name
    /// and address.
    func management(_ identity: WebIdentity) -> ManagementSession {
        ManagementSession(
            database: database, auth: configuration.auth, now: clock(), countryDatabase: configuration.guardSettings.countries.database,
            actor: identity.actor, source: identity.source)
    }

    /// Every console and API route, added to the HTTP app's router.
    public func addRoutes(to router: Router<ConsoleRequestContext>) {
        router.add(middleware: WebGateMiddleware(console: self))
        StaticRoutes.add(to: router)
        LoginRoutes(console: self).add(to: router)
        DashboardRoutes(console: self).add(to: router)
        ResourceRoutes(console: self).add(to: router)
        SecurityRoutes(console: self).add(to: router)
        CallRecordRoutes(console: self).add(to: router)
        ReportRoutes(console: self).add(to: router)
        AdminRoutes(console: self).add(to: router)
        OpenAPIRoutes.add(to: router)
    }

    /// The HTTP app with the console: what `serve` runs and what the tests start.
    public func buildApplication(
        _ dependencies: ConsoleDependencies, host: String, port: Int, tls: TLSConfiguration? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var dependencies = dependencies
        // The dashboard's live updates: staff logged in to the console may watch events.
        dependencies.sessionUser = { [self] request, context in
            guard let (identity, _, _) = try sessionIdentity(request, context: context), identity.role >= .operator,
                identity.role != .admin || adminAllowed(from: identity.source)
            else { return nil }
            return identity.name
        }
        return try ConsoleApplication.buildApplication(
            dependencies, host: host, port: port, tls: tls, configure: addRoutes(to:), onServerRunning: onServerRunning)
    }

    /// Reports a security event about a web request (the Guard's jails count them).
    func report(_ kind: SecurityEvent.Kind, reason: String, request: Request, context: ConsoleRequestContext) {
        let event = SecurityEvent(
            kind: kind, time: clock(), source: SecuritySource(transport: secure ? "tls" : "tcp", ip: context.peerIP, port: context.remoteAddress?.port ?? 0),
            reason: reason,
            packet: PacketSummary(
                method: request.method.rawValue, requestURI: String(request.uri.path.prefix(256)), from: "", to: "", callID: "",
                userAgent: request.headers[.userAgent].map { String($0.prefix(256)) }))
        security?.emit(event)
    }
}

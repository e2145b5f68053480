import HTTPTypes
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
public import NIOCore
public import NIOSSL

/// The HTTP side of the server. `buildApplication` is what `serve` runs and what the tests
/// start: the event channel, and whatever `configure` adds (the web console and the JSON
/// API, which the composition root builds because they call into the management layer).
public enum ConsoleApplication {
    public static func buildApplication(
        _ dependencies: ConsoleDependencies, host: String, port: Int, tls: TLSConfiguration? = nil,
        configure: (Router<ConsoleRequestContext>) -> Void = { _ in },
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: ConsoleRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware(tls: tls != nil))
        EventChannelRoutes.add(to: router, dependencies: dependencies)
        configure(router)
        if let allows = dependencies.metricsAllows, let render = dependencies.metricsRender {
            MetricsRoutes.add(to: router, allows: allows, render: render)
        }
        let webSocketRouter = Router(context: ConsoleRequestContext.self)
        EventChannelRoutes.add(toWebSocket: webSocketRouter, dependencies: dependencies)
        let webSocketResponder = webSocketRouter.buildResponder()
        let idle = dependencies.idleTimeout.components
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)))
        let gate = ConnectionGate(
            limits: dependencies.connectionLimits, idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000),
            admits: dependencies.connectionAdmits)
        // The gate comes first: a refused connection is closed before TLS or HTTP starts.
        let server = HTTPServerBuilder { responder in
            let plain = HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channelConfiguration)
            guard let tls else { return plain.gated(by: gate) }
            return try TLSChannel(plain, tlsConfiguration: tls).gated(by: gate)
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: onServerRunning,
            logger: dependencies.logger)
    }
}

/// Headers every answer carries: nothing may frame it, sniff its type, run inline script or
/// style, or load anything from elsewhere (the console serves its one stylesheet and one
/// script itself); under TLS, browsers are told to keep to HTTPS (RFC 6797).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    let tls: Bool

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

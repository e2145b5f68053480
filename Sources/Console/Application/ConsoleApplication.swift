import HTTPTypes
public import Hummingbird
import HummingbirdWebSocket
public import NIOCore

/// The HTTP side of the server. `buildApplication` is what `serve` runs and what the tests
/// start: the event channel today, the console and the JSON API as they come.
public enum ConsoleApplication {
    public static func buildApplication(
        _ dependencies: ConsoleDependencies, host: String, port: Int,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: ConsoleRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        EventChannelRoutes.add(to: router, dependencies: dependencies)
        let webSocketRouter = Router(context: ConsoleRequestContext.self)
        EventChannelRoutes.add(toWebSocket: webSocketRouter, dependencies: dependencies)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: .init()),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: onServerRunning,
            logger: dependencies.logger)
    }
}

/// Headers every answer carries: nothing may frame it, sniff its type or cache it.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}

import Foundation
import Hummingbird
import SecurityEvents
import Storage

/// Who may open the event channel: a peer in `events.allowed_networks` with a valid API
/// key (`Authorization: Bearer KEY`). A key that is presented and wrong is a security event
/// (`api_key_failure`, counted by the api-auth jail); a missing key is only refused.
struct EventChannelAccess: Sendable {
    let dependencies: ConsoleDependencies

    /// Who opened the stream (an API key's name, or a console user's), or the problem to
    /// answer with. A console session (the dashboard's live updates) is checked by the
    /// console itself: the console's own address rules apply to it, not the channel's.
    func authorize(_ request: Request, context: ConsoleRequestContext) throws -> String {
        if APIKeyCheck.bearerToken(request.headers[.authorization]) == nil, let session = dependencies.sessionUser,
            let name = try session(request, context)
        {
            return "console:" + name
        }
        let ip = context.peerIP
        guard dependencies.eventChannelAllows(ip) else {
            dependencies.logger.notice("event channel refused: address not allowed", metadata: ["source": "\(ip)"])
            throw Problem.forbiddenNetwork()
        }
        guard let token = APIKeyCheck.bearerToken(request.headers[.authorization]) else {
            throw Problem.unauthorized("an API key is needed: Authorization: Bearer KEY")
        }
        let key: APIKey?
        do {
            key = try APIKeyCheck.verify(token, in: dependencies.database)
        } catch {
            dependencies.logger.error("API key not checked", metadata: ["error": "\(error)"])
            throw Problem(.serviceUnavailable, type: "unavailable", title: "Service Unavailable", detail: "the key could not be checked")
        }
        guard let key else {
            reportFailure(request, context: context)
            throw Problem.unauthorized("the API key is not valid")
        }
        if let id = key.id { try? dependencies.database.touchAPIKey(id: id, at: Date()) }
        return key.name
    }

    private func reportFailure(_ request: Request, context: ConsoleRequestContext) {
        let address = context.remoteAddress
        let event = SecurityEvent(
            kind: .apiKeyFailure, time: Date(), source: SecuritySource(transport: "tcp", ip: context.peerIP, port: address?.port ?? 0),
            reason: "wrong API key for the event channel",
            packet: PacketSummary(
                method: request.method.rawValue, requestURI: request.uri.path, from: "", to: "", callID: "",
                userAgent: request.headers[.userAgent]))
        dependencies.securityEvents?.emit(event)
        dependencies.logger.notice("event channel refused: wrong API key", metadata: ["source": "\(context.peerIP)"])
    }

    /// The `types` query parameter: comma-separated event types or families (`call`,
    /// `guard.ban`); nil: every event.
    static func filter(_ request: Request) throws -> Set<String>? {
        guard let text = request.uri.queryParameters.get("types"), !text.isEmpty else { return nil }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard !names.isEmpty, names.count <= 32, names.allSatisfy({ $0.count <= 64 && $0.allSatisfy(allowed.contains) }) else {
            throw Problem.badRequest("types: a comma-separated list of event types such as call,guard.ban (letters, digits, . _ -)")
        }
        return Set(names)
    }
}

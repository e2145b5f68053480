import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import SecurityEvents
import Storage

/// A redirect thrown out of a handler (to the login page, after a form).
struct Redirect: Error, HTTPResponseError {
    let location: String
    var cookies: [Cookie] = []

    var status: HTTPResponse.Status { .seeOther }
    var headers: HTTPFields { [.location: location] }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

extension WebConsole {
    /// The logged-in user of a request (a session at stage `full`), or nil.
    func sessionIdentity(_ request: Request, context: ConsoleRequestContext, stages: Set<ConsoleSession.Stage> = [.full]) throws -> (WebIdentity, ConsoleSession, ConsoleUser)? {
        guard let token = request.cookies[WebCookies.session]?.value, !token.isEmpty, token.utf8.count <= 128 else { return nil }
        guard let session = try database.consoleSession(tokenHash: WebCookies.hash(token), now: clock()), stages.contains(session.stage),
            let user = try database.consoleUser(id: session.consoleUserId)
        else { return nil }
        let identity = WebIdentity(
            name: user.name, role: WebIdentity.Role(user.role), accountId: user.accountId, userId: user.id, sessionTokenHash: session.tokenHash,
            csrfToken: session.csrfToken, source: context.peerIP)
        return (identity, session, user)
    }

    /// A page's reader: the logged-in user with at least `role`; else to the login page, or
    /// (logged in with a lower role) a refusal logged as a hacking attempt.
    func requirePage(_ request: Request, context: ConsoleRequestContext, role: WebIdentity.Role) throws -> WebIdentity {
        guard let (identity, _, _) = try sessionIdentity(request, context: context) else {
            let next = request.method == .get ? "?next=" + PageSupport.segment(request.uri.path) : ""
            throw Redirect(location: "/login" + next)
        }
        guard identity.role >= role else { throw refuse(identity, request: request, context: context, needed: role) }
        try checkAdminNetwork(identity, request: request, context: context)
        return identity
    }

    /// An admin's session or key used from outside `console.admin_networks`: refused (and
    /// logged as a hacking attempt) on every request, not only at login.
    func checkAdminNetwork(_ identity: WebIdentity, request: Request, context: ConsoleRequestContext) throws {
        guard identity.role == .admin, !adminAllowed(from: context.peerIP) else { return }
        throw refuse(identity, request: request, context: context, because: "admin access from outside console.admin_networks")
    }

    /// An API caller: an API key (`Authorization: Bearer`), or the console's session cookie
    /// for reads (the dashboard's script). Writes by cookie need the session's CSRF token in
    /// `X-CSRF-Token`.
    func requireAPI(_ request: Request, context: ConsoleRequestContext, role: WebIdentity.Role) throws -> WebIdentity {
        let identity: WebIdentity
        if let token = APIKeyCheck.bearerToken(request.headers[.authorization]) {
            guard let key = try APIKeyCheck.verify(token, in: database) else {
                report(.apiKeyFailure, reason: "wrong API key", request: request, context: context)
                throw Problem.unauthorized("the API key is not valid")
            }
            if let id = key.id { try? database.touchAPIKey(id: id, at: clock()) }
            identity = WebIdentity(
                name: key.name, role: WebIdentity.Role(key.role), accountId: nil, userId: nil, sessionTokenHash: nil, csrfToken: nil,
                source: context.peerIP)
        } else if let (found, _, _) = try sessionIdentity(request, context: context) {
            if request.method != .get && request.method != .head {
                guard let sent = request.headers[HTTPField.Name("X-CSRF-Token")!], let expected = found.csrfToken, WebCookies.same(sent, expected) else {
                    throw Problem(.forbidden, type: "csrf", title: "Forbidden", detail: "a change by session cookie needs the X-CSRF-Token header")
                }
            }
            identity = found
        } else {
            throw Problem.unauthorized("an API key is needed: Authorization: Bearer KEY")
        }
        guard identity.role >= role else { throw refuse(identity, request: request, context: context, needed: role) }
        try checkAdminNetwork(identity, request: request, context: context)
        return identity
    }

    /// A refused access: into the action log as a hacking attempt, to the Guard as a web
    /// probe (the web-probe jail counts them), and a 403 for the caller.
    func refuse(
        _ identity: WebIdentity, request: Request, context: ConsoleRequestContext, needed: WebIdentity.Role? = nil, what: String? = nil,
        because: String? = nil
    ) -> Problem {
        let target = what ?? "\(request.method.rawValue) \(String(request.uri.path.prefix(200)))"
        let reason = because ?? needed.map { "needs the \($0.name) role; \(identity.name) is \(identity.role.name)" } ?? "not this user's data"
        let entry = ActionLogEntry(
            at: clock(), actor: identity.actor, source: context.peerIP, action: "access.refused", target: target, reason: reason,
            hackingAttempt: true)
        do {
            _ = try database.insert(entry)
        } catch {
            logger.error("action log not written", metadata: ["error": "\(error)"])
        }
        report(.webProbe, reason: "refused: \(reason)", request: request, context: context)
        logger.warning("console access refused", metadata: ["actor": "\(identity.actor)", "source": "\(context.peerIP)", "target": "\(target)"])
        return Problem(.forbidden, type: "forbidden", title: "Forbidden", detail: "you may not do this; the attempt is logged")
    }

    /// A form's CSRF token against the session's.
    func checkCSRF(_ identity: WebIdentity, form: FormValues) throws {
        guard let expected = identity.csrfToken, let sent = form["_csrf"], WebCookies.same(sent, expected) else {
            throw Problem(.forbidden, type: "csrf", title: "Forbidden", detail: "the form has expired or did not come from this console: reload the page and try again")
        }
    }

    /// bcrypt is slow on purpose: off the event loop.
    func bcryptHash(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func bcryptVerify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}

/// What every request passes first: banned sources and refused countries get nothing (the
/// Guard's verdict, as for SIP connections); an unknown URL is a web probe for the Guard.
struct WebGateMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    let console: WebConsole

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let ip = context.peerIP
        guard ip.isEmpty || console.admits(ip) else {
            throw Problem(.forbidden, type: "source-refused", title: "Forbidden", detail: "this address is banned")
        }
        do {
            let response = try await next(request, context)
            return response
        } catch let error as HTTPError where error.status == .notFound {
            console.report(.webProbe, reason: "unknown URL", request: request, context: context)
            throw Problem.notFound("there is nothing at this address")
        }
    }
}

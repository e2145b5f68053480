import Console
import Foundation
import Guard
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Storage

/// Logging in: password (bcrypt), then the TOTP code (or a recovery code), or first the
/// TOTP enrolment; the wait after three failures in a row; logging out; the one-time setup
/// of the first admin. Every failure is a `console_login_failure` for the Guard's
/// console-login jail, which bans persistent guessers.
struct LoginRoutes: Sendable {
    let console: WebConsole

    /// A hash to check passwords of unknown users against, so that the answer takes as long
    /// as for a known user (no user enumeration by timing).
    static let decoy = Bcrypt.hash(WebCookies.token(), cost: 12)

    func add(to router: Router<ConsoleRequestContext>) {
        router.get("/") { request, context -> Response in
            if let (identity, _, _) = try console.sessionIdentity(request, context: context) {
                throw Redirect(location: identity.role == .customer ? "/my" : "/dashboard")
            }
            throw Redirect(location: "/login")
        }
        router.get("/login") { request, context in try loginPage(request, context: context) }
        router.post("/login") { request, context in try await login(request, context: context) }
        router.get("/login/code") { request, context in try codePage(request, context: context) }
        router.post("/login/code") { request, context in try await code(request, context: context) }
        router.get("/enrol") { request, context in try enrolPage(request, context: context) }
        router.post("/enrol") { request, context in try await enrol(request, context: context) }
        router.post("/logout") { request, context in try await logout(request, context: context) }
        router.get("/setup") { request, context in try setupPage(request, context: context, error: nil) }
        router.post("/setup") { request, context in try await setup(request, context: context) }
    }

    // MARK: - Password

    private func loginPage(_ request: Request, context: ConsoleRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let (token, existing) = Self.formToken(request)
        let hasAdmin = (try? console.database.hasConsoleAdmin()) ?? true
        var data: [String: Any] = [
            "intro": "Log in to the console.", "action": "/login", "csrf": token, "submit": "Log in",
            "next": Self.safeNext(request.uri.queryParameters.get("next")) ?? "",
            "fields": [
                ["name": "username", "label": "User name", "type": "text", "autocomplete": "username", "autofocus": true],
                ["name": "password", "label": "Password", "type": "password", "autocomplete": "current-password"],
            ],
        ]
        if let error { data["error"] = error }
        if !hasAdmin { data["footer"] = "No admin exists yet: open the one-time setup link that sipwarden serve printed, or run sipwarden admin create." }
        var response = console.pages.page("login", title: "Log in", data: data, identity: nil, status: status)
        if existing != token { response.setCookie(WebCookies.make(WebCookies.form, value: token, secure: console.secure)) }
        return response
    }

    private func login(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await FormValues.form(request)
        try checkFormToken(request, form: form)
        let ip = context.peerIP
        let now = console.clock()
        if let wait = console.throttle.remainingWait(for: ip, now: now) {
            console.report(.consoleLoginFailure, reason: "login attempt during the wait after failed logins", request: request, context: context)
            var response = try loginPage(
                request, context: context, error: "Too many failed logins: wait \(Int(wait.rounded(.up))) seconds before trying again.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        let name = form.text("username") ?? ""
        let password = form["password"] ?? ""
        // A name under attack from many addresses: refused before the password is looked
        // at (its own past addresses and the admin networks excepted).
        let fromAdminNetwork = !console.settings.adminNetworks.isEmpty && console.adminAllowed(from: ip)
        if !fromAdminNetwork, let locked = console.lockout.remainingLock(for: name, source: ip, now: now) {
            console.report(.consoleLoginFailure, reason: "login for a user locked after failures from several addresses", request: request, context: context)
            let minutes = Int((locked / 60).rounded(.up))
            var response = try loginPage(
                request, context: context,
                error: "Too many failed logins for this user from several addresses: try again in \(minutes) minute\(minutes == 1 ? "" : "s"), or from an address it logged in from before.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(locked.rounded(.up)))
            return response
        }
        let user = name.utf8.count <= 64 ? try console.database.consoleUser(named: name) : nil
        // An admin from outside console.admin_networks is refused before the password is
        // looked at, with the answer of a wrong password: no oracle for the password, nor
        // for which names are admins. The decoy hash keeps the time the same.
        if let user, user.role == .admin, !console.adminAllowed(from: ip) {
            _ = try await console.bcryptVerify(String(password.prefix(200)), hash: Self.decoy)
            _ = try? console.database.insert(ActionLogEntry(
                at: now, actor: "console:\(user.name)", source: ip, action: "console.login.refused", target: "console user \(user.name)",
                reason: "admin login from outside console.admin_networks", hackingAttempt: true))
            return try failed(request, context: context, username: name, reason: "admin login from outside console.admin_networks")
        }
        let good = try await console.bcryptVerify(String(password.prefix(200)), hash: user?.passwordHash ?? Self.decoy)
        guard let user, good else { return try failed(request, context: context, username: name, reason: "wrong user name or password") }
        console.throttle.succeeded(ip)
        console.lockout.succeeded(user.name, source: ip)
        let stage: ConsoleSession.Stage = user.totpConfirmed ? .password : (console.settings.requireTOTP ? .enrol : .full)
        let token = try startSession(for: user, stage: stage, source: ip)
        if stage == .full { try recordLogin(user, source: ip, how: "password") }
        let next = Self.safeNext(form["next"]) ?? (user.role == .customer ? "/my" : "/dashboard")
        let location = stage == .password ? "/login/code" : stage == .enrol ? "/enrol" : next
        throw Redirect(location: location, cookies: [
            WebCookies.make(WebCookies.session, value: token, secure: console.secure), WebCookies.expired(WebCookies.form, secure: console.secure),
        ])
    }

    private func failed(_ request: Request, context: ConsoleRequestContext, username: String, reason: String) throws -> Response {
        let failures = console.throttle.failed(context.peerIP, now: console.clock())
        if !username.isEmpty, console.lockout.failed(username, now: console.clock()) {
            console.logger.warning("console user locked after failed logins from several addresses", metadata: [
                "user": "\(PrintableText.escape(String(username.prefix(64))))", "minutes": "\(Int(console.lockout.duration / 60))",
            ])
        }
        var event = reason
        if !username.isEmpty { event += " (user \(String(username.prefix(64))))" }
        console.report(.consoleLoginFailure, reason: event, request: request, context: context)
        console.logger.notice("console login failed", metadata: ["source": "\(context.peerIP)", "failures": "\(failures)"])
        let message = failures >= console.throttle.limit
            ? "Wrong user name or password. After \(failures) failed logins, wait \(Int(console.throttle.wait)) seconds before the next try."
            : "Wrong user name or password."
        return try loginPage(request, context: context, error: message, status: .unauthorized)
    }

    /// The login form's token: the same random value in its cookie and its hidden field
    /// (double submit). Another site can neither read the cookie nor, SameSite=Strict, send it.
    private func checkFormToken(_ request: Request, form: FormValues) throws {
        guard let cookie = request.cookies[WebCookies.form]?.value, let sent = form["_csrf"], WebCookies.same(cookie, sent) else {
            throw Problem(.forbidden, type: "csrf", title: "Forbidden", detail: "the login form has expired: reload the page and try again")
        }
    }

    /// The login form's token: the browser's `sipwarden_form` cookie when it has a
    /// well-formed one, else a new one (the cookie is then set with the page).
    static func formToken(_ request: Request) -> (token: String, existing: String?) {
        let existing = request.cookies[WebCookies.form]?.value
        return (existing.flatMap { $0.utf8.count == 43 ? $0 : nil } ?? WebCookies.token(), existing)
    }

    /// Only a path of this console (`/cdrs?…`), never another site (`//evil`, `https:`).
    static func safeNext(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.hasPrefix("/\\"), text.count <= 512,
            !text.contains(where: { $0.isWhitespace || $0 == "\\" })
        else { return nil }
        return text
    }

    private func startSession(for user: ConsoleUser, stage: ConsoleSession.Stage, source: String) throws -> String {
        let token = WebCookies.token()
        let now = console.clock()
        let lifetime = stage == .full ? TimeInterval(console.settings.sessionLifetime) : 600
        try console.database.insert(ConsoleSession(
            tokenHash: WebCookies.hash(token), consoleUserId: user.id ?? 0, stage: stage, csrfToken: WebCookies.token(), source: source,
            createdAt: now, expiresAt: now.addingTimeInterval(lifetime)))
        return token
    }

    /// Only the login columns: writing back the whole user read at the start of the request
    /// would undo what the second factor changed (the TOTP step used, a recovery code spent),
    /// and the same code would work again.
    private func recordLogin(_ user: ConsoleUser, source: String, how: String) throws {
        try console.database.recordConsoleLogin(userId: user.id ?? 0, at: console.clock(), source: source)
        _ = try console.database.insert(ActionLogEntry(
            at: console.clock(), actor: "console:\(user.name)", source: source, action: "console.login", target: "console user \(user.name)", reason: how))
    }

    private func upgrade(_ session: ConsoleSession) throws {
        var session = session
        session.stage = .full
        session.expiresAt = console.clock().addingTimeInterval(TimeInterval(console.settings.sessionLifetime))
        try console.database.update(session)
    }

    // MARK: - Second factor

    private func codePage(_ request: Request, context: ConsoleRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let (identity, _, _) = try console.sessionIdentity(request, context: context, stages: [.password]) else { throw Redirect(location: "/login") }
        var data: [String: Any] = [
            "intro": "Type the 6-digit code from your authenticator app, or one of your recovery codes.", "action": "/login/code",
            "csrf": identity.csrfToken ?? "", "submit": "Verify", "next": "",
            "fields": [["name": "code", "label": "Code", "type": "text", "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": true]],
        ]
        if let error { data["error"] = error }
        return console.pages.page("login", title: "Two-factor login", data: data, identity: nil, status: status)
    }

    private func code(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        guard let (identity, session, user) = try console.sessionIdentity(request, context: context, stages: [.password]) else {
            throw Redirect(location: "/login")
        }
        let form = try await FormValues.form(request)
        try console.checkCSRF(identity, form: form)
        let ip = context.peerIP
        if let wait = console.throttle.remainingWait(for: ip, now: console.clock()) {
            console.report(.consoleLoginFailure, reason: "code attempt during the wait after failed logins", request: request, context: context)
            return try codePage(request, context: context, error: "Too many failed attempts: wait \(Int(wait.rounded(.up))) seconds.", status: .tooManyRequests)
        }
        let text = form.text("code") ?? ""
        var how = "password and TOTP code"
        var accepted = false
        if let secret = user.totpSecret, let step = SecondFactor.matchingStep(code: text, secret: secret, now: console.clock()) {
            accepted = try console.database.claimTOTPStep(userId: user.id ?? 0, step: step)
        } else if text.count >= 12 {
            accepted = try console.database.useRecoveryCode(userId: user.id ?? 0, hash: SecondFactor.hash(recoveryCode: text))
            how = "password and recovery code"
        }
        guard accepted else {
            let failures = console.throttle.failed(ip, now: console.clock())
            console.lockout.failed(user.name, now: console.clock())
            console.report(.consoleLoginFailure, reason: "wrong second-factor code (user \(user.name))", request: request, context: context)
            let message = failures >= console.throttle.limit
                ? "Wrong code. Wait \(Int(console.throttle.wait)) seconds before the next try." : "Wrong or already used code."
            return try codePage(request, context: context, error: message, status: .unauthorized)
        }
        console.throttle.succeeded(ip)
        try upgrade(session)
        try recordLogin(user, source: ip, how: how)
        throw Redirect(location: user.role == .customer ? "/my" : "/dashboard")
    }

    private func enrolPage(_ request: Request, context: ConsoleRequestContext, error: String? = nil) throws -> Response {
        guard let (identity, _, found) = try console.sessionIdentity(request, context: context, stages: [.enrol]) else { throw Redirect(location: "/login") }
        var user = found
        if user.totpSecret == nil {
            user.totpSecret = SecondFactor.makeSecret()
            try console.database.update(user)
        }
        let secret = user.totpSecret ?? ""
        let link = SecondFactor.link(secret: secret, user: user.name)
        let qr = (try? QRCode(text: link).svg(moduleSize: 5, label: "QR code for the authenticator app")) ?? ""
        var data: [String: Any] = ["qr": qr, "key": SecondFactor.manualKey(secret: secret), "csrf": identity.csrfToken ?? ""]
        if let error { data["error"] = error }
        return console.pages.page("enrol", title: "Two-factor login", data: data, identity: nil, status: error == nil ? .ok : .unauthorized)
    }

    private func enrol(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        guard let (identity, session, user) = try console.sessionIdentity(request, context: context, stages: [.enrol]) else {
            throw Redirect(location: "/login")
        }
        let form = try await FormValues.form(request)
        try console.checkCSRF(identity, form: form)
        guard let secret = user.totpSecret, let step = SecondFactor.matchingStep(code: form.text("code") ?? "", secret: secret, now: console.clock()),
            try console.database.claimTOTPStep(userId: user.id ?? 0, step: step)
        else {
            console.throttle.failed(context.peerIP, now: console.clock())
            return try enrolPage(request, context: context, error: "That code is not right: check the time on your phone and try the next code.")
        }
        let codes = SecondFactor.makeRecoveryCodes()
        var updated = try console.database.consoleUser(id: user.id ?? 0) ?? user
        updated.totpConfirmed = true
        updated.recoveryCodes = codes.map(SecondFactor.hash(recoveryCode:))
        try console.database.update(updated)
        try upgrade(session)
        _ = try console.database.insert(ActionLogEntry(
            at: console.clock(), actor: identity.actor, source: context.peerIP, action: "console.totp.enrol", target: "console user \(user.name)",
            reason: "two-factor login turned on"))
        try recordLogin(updated, source: context.peerIP, how: "password, TOTP enrolment")
        let full = WebIdentity(
            name: identity.name, role: identity.role, accountId: identity.accountId, userId: identity.userId, sessionTokenHash: identity.sessionTokenHash,
            csrfToken: identity.csrfToken, source: identity.source)
        // Customers have no dashboard: theirs is /my (opening /dashboard would be a refusal,
        // logged as a hacking attempt).
        let next = identity.role == .customer ? "/my" : "/dashboard"
        return console.pages.page("recovery", title: "Recovery codes", data: ["codes": codes, "next": next], identity: full)
    }

    private func logout(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await FormValues.form(request)
        if let (identity, session, _) = try console.sessionIdentity(request, context: context, stages: [.full, .password, .enrol]) {
            try console.checkCSRF(identity, form: form)
            try console.database.removeConsoleSession(tokenHash: session.tokenHash)
        }
        throw Redirect(location: "/login", cookies: [WebCookies.expired(WebCookies.session, secure: console.secure)])
    }

    // MARK: - First admin

    private func setupAllowed(_ request: Request) throws -> Bool {
        guard let expected = console.setupToken, let sent = PageSupport.query(request, "token") else { return false }
        let hasAdmin = try console.database.hasConsoleAdmin()
        return WebCookies.same(expected, sent) && !hasAdmin
    }

    private func setupPage(_ request: Request, context: ConsoleRequestContext, error: String?) throws -> Response {
        guard try setupAllowed(request) else {
            console.report(.webProbe, reason: "setup link used without a valid token", request: request, context: context)
            return console.pages.page(
                "message", title: "Setup",
                data: ["heading": "This setup link is not valid", "text": "It was used already, or an admin exists. Log in, or run sipwarden admin create.", "href": "/login", "label": "Log in"],
                identity: nil, status: .forbidden)
        }
        let (token, existing) = Self.formToken(request)
        var data: [String: Any] = [
            "intro": "Create the first admin. Passwords need 12 or more characters with letters, digits and other characters.",
            "action": "/setup?token=" + (PageSupport.query(request, "token") ?? ""), "csrf": token, "submit": "Create admin", "next": "",
            "fields": [
                ["name": "username", "label": "User name", "type": "text", "autocomplete": "username", "autofocus": true],
                ["name": "password", "label": "Password", "type": "password", "autocomplete": "new-password"],
                ["name": "password2", "label": "Password again", "type": "password", "autocomplete": "new-password"],
            ],
        ]
        if let error { data["error"] = error }
        var response = console.pages.page("login", title: "Setup", data: data, identity: nil, status: error == nil ? .ok : .badRequest)
        if existing != token { response.setCookie(WebCookies.make(WebCookies.form, value: token, secure: console.secure)) }
        return response
    }

    private func setup(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        guard try setupAllowed(request) else { return try setupPage(request, context: context, error: nil) }
        let form = try await FormValues.form(request)
        try checkFormToken(request, form: form)
        let name = form.text("username") ?? ""
        let password = form["password"] ?? ""
        if let problem = ConsoleUserCommands.nameProblem(name) { return try setupPage(request, context: context, error: "User name refused: \(problem)") }
        if let problem = ConsolePasswordPolicy.problem(password, name: name) { return try setupPage(request, context: context, error: "Password refused: \(problem).") }
        guard password == form["password2"] else { return try setupPage(request, context: context, error: "The two passwords differ.") }
        let hash = try await console.bcryptHash(password)
        let line = ActionLogEntry(
            at: console.clock(), actor: "console:\(name)", source: context.peerIP, action: "user.add", target: "console user \(name)",
            reason: "first admin, by the setup link")
        _ = try console.database.insert(ConsoleUser(name: name, role: .admin, passwordHash: hash, createdAt: console.clock()), log: line)
        return console.pages.page(
            "message", title: "Admin created",
            data: ["heading": "Admin \(name) created", "text": "Log in now; you will set up two-factor login first.", "href": "/login", "label": "Log in"],
            identity: nil)
    }
}

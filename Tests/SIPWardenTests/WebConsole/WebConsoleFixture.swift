import Console
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SIPWarden
import SecurityEvents
import Storage
import Synchronization
import Testing

/// A clock the tests move by hand: the console's logins, waits and TOTP steps follow it.
final class WebConsoleClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A logged-in console user: the session cookie to send back and the session's CSRF token.
struct WebSession: Sendable {
    let name: String
    /// `sipwarden_session=…`, for a `Cookie:` header.
    let cookie: String
    let csrf: String
    /// The recovery codes shown after enrolment (empty for later logins).
    let recoveryCodes: [String]
    /// Where the recovery codes page continues to (nil for later logins).
    let continueHref: String?
    /// The raw Set-Cookie header of the session cookie.
    let setCookie: String

    var headers: HTTPFields { [.cookie: cookie] }
}

/// The web console on a temporary database, with an admin (alice), an operator (olga) and a
/// customer (carl, account acme; a second account, globex, belongs to nobody), bcrypt at
/// cost 4, a clock the test controls and a queue that collects the security events. Logins
/// go through the real pages, as a browser's would, with the cookies sent back by hand.
final class WebConsoleFixture: Sendable {
    /// A TOTP step boundary (30 s) plus 5 s: 2026-11-18.
    static let start = Date(timeIntervalSince1970: 1_795_000_205)
    static let passwords = ["alice": "Blue-Lantern-47!", "olga": "Green-Harbour-58?", "carl": "Red-Mountain-69#"]
    static let devicePassword = "Quiet-Meadow-2024!"

    let root: URL
    let database: AppDatabase
    let configuration: ServerConfiguration
    let queue: SecurityEventQueue
    let clock: WebConsoleClock
    let console: WebConsole
    let dependencies: ConsoleDependencies
    /// Per user: the TOTP key (decoded from the enrolment page) and the last step used.
    private let totp = Mutex<[String: (key: [UInt8], lastStep: Int64)]>([:])

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let database = try AppDatabase.open(dataDirectory: root.path)
        let clock = WebConsoleClock(Self.start)
        let queue = SecurityEventQueue()
        var configuration = ServerConfiguration()
        configure(&configuration)
        self.database = database
        self.clock = clock
        self.queue = queue
        self.configuration = configuration
        let logger = Logger(label: "test")
        console = try WebConsole(
            database: database, configuration: configuration, security: queue, logger: logger, bcryptCost: 4, clock: { clock.now })
        dependencies = ConsoleDependencies(database: database, hub: EventHub(), securityEvents: queue, eventChannelAllows: { _ in true }, logger: logger)
        let session = management()
        _ = try AccountCommands(session: session).add(name: "acme", changes: .init())
        _ = try AccountCommands(session: session).add(name: "globex", changes: .init())
        let users: [(String, String, String?)] = [("alice", "admin", nil), ("olga", "operator", nil), ("carl", "customer", "acme")]
        for (name, role, account) in users {
            _ = try ConsoleUserCommands(session: session, cost: 4).create(name, role: role, account: account, password: .value(Self.passwords[name] ?? ""))
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func app() throws -> some ApplicationProtocol {
        try console.buildApplication(dependencies, host: "127.0.0.1", port: 0)
    }

    /// Another console on the same database with a changed configuration (sessions and keys
    /// made with the first one stay valid in the database).
    func app(configure: (inout ServerConfiguration) -> Void) throws -> some ApplicationProtocol {
        var configuration = configuration
        configure(&configuration)
        let clock = self.clock
        let other = try WebConsole(
            database: database, configuration: configuration, security: queue, logger: Logger(label: "test"), bcryptCost: 4, clock: { clock.now })
        return try other.buildApplication(dependencies, host: "127.0.0.1", port: 0)
    }

    /// A management session as the CLI has it, at the fixture's time.
    func management() -> ManagementSession {
        ManagementSession(database: database, auth: configuration.auth, now: clock.now)
    }

    func accountId(_ name: String) throws -> Int64 {
        try #require(try database.account(named: name)?.id)
    }

    @discardableResult
    func addDevice(_ username: String, account: String, callerID: String? = nil) throws -> Device {
        _ = try DeviceCommands(session: management()).add(
            username: username, password: .value(Self.devicePassword), settings: DeviceSettings(account: account, callerID: callerID))
        return try #require(try database.device(username: username))
    }

    /// An API key made as `sipwarden apikey add` makes it; returns the key.
    func apiKey(_ name: String, role: String) throws -> String {
        let output = try APIKeyCommands(session: management()).add(name, role: role)
        return try #require(output.split(separator: "\n").map(String.init).first { $0.hasPrefix(APIKeyCheck.prefix) })
    }

    /// A finished call of `account` from `sourceIP`; returns its id.
    @discardableResult
    func addCall(
        account: String?, callID: String = UUID().uuidString, callerName: String? = "caller", userAgent: String? = "Phone/1.0",
        startedAt: Date? = nil
    ) throws -> Int64 {
        let started = startedAt ?? clock.now.addingTimeInterval(-600)
        let record = CallRecord(
            callID: callID, startedAt: started, answeredAt: started.addingTimeInterval(2), endedAt: started.addingTimeInterval(62),
            durationMillis: 60_000, billableSeconds: 60, callerKind: account == nil ? "unidentified" : "device",
            accountId: try account.map(accountId), callerName: callerName, sourceIP: "198.51.100.7", sourcePort: 5_060, transport: "udp",
            userAgent: userAgent, fromHeader: "<sip:caller@example.com>;tag=1", toHeader: "<sip:100@example.com>", requestURI: "sip:100@example.com",
            dialledNumber: "100", destinationKind: "device", destination: "bob", status: 200, reason: "OK", cause: "normal", hangupBy: "caller")
        try database.insert([record])
        let stored = try database.callRecords(CallRecordFilter(limit: 1_000)).first { $0.callID == callID }
        return try #require(stored?.id)
    }

    func events(_ kind: SecurityEvent.Kind) -> [SecurityEvent] {
        queue.drain().events.filter { $0.kind == kind }
    }

    func refusals() throws -> [ActionLogEntry] {
        try database.actionLog(from: nil, to: nil, limit: 1_000).filter { $0.action == "access.refused" && $0.hackingAttempt }
    }

    // MARK: - Logging in through the pages

    /// GET /login: the form cookie (`sipwarden_form=…`) and the form's hidden token.
    func loginForm(_ client: any TestClientProtocol) async throws -> (cookie: String, token: String) {
        let response = try await client.execute(uri: "/login", method: .get)
        #expect(response.status == .ok)
        let cookie = try #require(Self.cookie(named: "sipwarden_form", in: response))
        let token = try #require(Self.hidden("_csrf", in: String(buffer: response.body)))
        #expect(cookie == "sipwarden_form=\(token)")
        return (cookie, token)
    }

    /// POST /login with a fresh form; the response as it comes.
    func postPassword(_ client: any TestClientProtocol, _ name: String, password: String? = nil) async throws -> TestResponse {
        let form = try await loginForm(client)
        return try await client.execute(
            uri: "/login", method: .post, headers: [.cookie: form.cookie, .contentType: "application/x-www-form-urlencoded"],
            body: Self.form(["_csrf": form.token, "username": name, "password": password ?? Self.passwords[name] ?? "", "next": ""]))
    }

    /// The whole login: password, then enrolment (first time) or the TOTP code.
    func login(_ client: any TestClientProtocol, _ name: String) async throws -> WebSession {
        let response = try await postPassword(client, name)
        #expect(response.status == .seeOther)
        let setCookie = try #require(Self.setCookie(named: "sipwarden_session", in: response))
        let cookie = try #require(Self.cookie(named: "sipwarden_session", in: response))
        switch response.headers[.location] {
        case "/enrol":
            return try await enrol(client, name, cookie: cookie, setCookie: setCookie)
        case "/login/code":
            let code = try totpCode(for: name, fresh: true)
            let answer = try await postCode(client, cookie: cookie, code: code)
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == (name == "carl" ? "/my" : "/dashboard"))
            return try await session(client, name, cookie: cookie, setCookie: setCookie, recoveryCodes: [], continueHref: nil)
        case let other:
            Issue.record("login of \(name) went to \(other ?? "nowhere")")
            throw WebConsoleTestError.unexpected("login")
        }
    }

    /// GET /enrol, decode the key, POST the code: the recovery codes page.
    private func enrol(_ client: any TestClientProtocol, _ name: String, cookie: String, setCookie: String) async throws -> WebSession {
        let page = try await client.execute(uri: "/enrol", method: .get, headers: [.cookie: cookie])
        #expect(page.status == .ok)
        let html = String(buffer: page.body)
        let keyText = try #require(Self.element(id: "totp-key", in: html))
        let key = try #require(TOTPCalculator.base32Decode(keyText))
        let token = try #require(Self.hidden("_csrf", in: html))
        let step = TOTPCalculator.step(clock.now)
        totp.withLock { $0[name] = (key, step - 1) }
        let code = try totpCode(for: name, fresh: true)
        let done = try await client.execute(
            uri: "/enrol", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: Self.form(["_csrf": token, "code": code]))
        #expect(done.status == .ok)
        let recovery = String(buffer: done.body)
        let codes = Self.listItems(id: "recovery-codes", in: recovery)
        #expect(codes.count == 10)
        let next = recovery.range(of: "\" id=\"continue\"").flatMap { end in
            recovery[..<end.lowerBound].range(of: "href=\"", options: .backwards).map { String(recovery[$0.upperBound..<end.lowerBound]) }
        }
        return try await session(client, name, cookie: cookie, setCookie: setCookie, recoveryCodes: codes, continueHref: next)
    }

    /// POST /login/code with the session's token (read from GET /login/code).
    func postCode(_ client: any TestClientProtocol, cookie: String, code: String) async throws -> TestResponse {
        let page = try await client.execute(uri: "/login/code", method: .get, headers: [.cookie: cookie])
        #expect(page.status == .ok)
        let token = try #require(Self.hidden("_csrf", in: String(buffer: page.body)))
        return try await client.execute(
            uri: "/login/code", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: Self.form(["_csrf": token, "code": code]))
    }

    /// A logged-in page's token: the one every form (and the logout button) carries.
    private func session(
        _ client: any TestClientProtocol, _ name: String, cookie: String, setCookie: String, recoveryCodes: [String], continueHref: String?
    ) async throws -> WebSession {
        let page = try await client.execute(uri: name == "carl" ? "/my" : "/dashboard", method: .get, headers: [.cookie: cookie])
        #expect(page.status == .ok)
        let csrf = try #require(Self.hidden("_csrf", in: String(buffer: page.body)))
        return WebSession(name: name, cookie: cookie, csrf: csrf, recoveryCodes: recoveryCodes, continueHref: continueHref, setCookie: setCookie)
    }

    /// The TOTP code of `name` now. `fresh`: moves the clock to the next step first when
    /// this one was used already (a code is good once), and records the step as used.
    func totpCode(for name: String, fresh: Bool = false) throws -> String {
        let entry = try #require(totp.withLock { $0[name] }, "\(name) has not enrolled")
        if fresh, TOTPCalculator.step(clock.now) <= entry.lastStep {
            clock.advance(30)
        }
        let step = TOTPCalculator.step(clock.now)
        if fresh { totp.withLock { $0[name] = (entry.key, step) } }
        return TOTPCalculator.code(key: entry.key, step: step)
    }

    // MARK: - Forms, cookies and pages

    static func form(_ values: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = values.keys.sorted().map { name in
            "\(name)=\(values[name]?.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    static func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// The whole Set-Cookie header of cookie `name`.
    static func setCookie(named name: String, in response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    /// `name=value` of a Set-Cookie header, for sending back.
    static func cookie(named name: String, in response: TestResponse) -> String? {
        setCookie(named: name, in: response).map { String($0.split(separator: ";", maxSplits: 1)[0]) }
    }

    /// The value of the first `<input type="hidden" name="NAME" value="…">`.
    static func hidden(_ name: String, in html: String) -> String? {
        text(after: "name=\"\(name)\" value=\"", upTo: "\"", in: html)
    }

    /// The text inside the element with `id` (up to the next tag).
    static func element(id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        return text(after: ">", upTo: "<", in: String(html[start.upperBound...]))
    }

    /// The `<li>` texts inside the element with `id`.
    static func listItems(id: String, in html: String) -> [String] {
        guard let start = html.range(of: "id=\"\(id)\""), let end = html[start.upperBound...].range(of: "</ol>") else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<li>").dropFirst().compactMap { item in
            item.components(separatedBy: "</li>").first
        }
    }

    static func text(after prefix: String, upTo end: String, in html: String) -> String? {
        guard let start = html.range(of: prefix), let stop = html[start.upperBound...].range(of: end) else { return nil }
        return String(html[start.upperBound..<stop.lowerBound])
    }
}

enum WebConsoleTestError: Error {
    case unexpected(String)
}

/// RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) and RFC 4648 base32, written here
/// independently of the product's implementation.
enum TOTPCalculator {
    static func step(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 30).rounded(.down))
    }

    static func code(key: [UInt8], step: Int64) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let digits = String(value)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Base32 (RFC 4648 §6) without padding; spaces are ignored. nil for a character
    /// outside the alphabet.
    static func base32Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased() where !character.isWhitespace && character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(index)
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }
}

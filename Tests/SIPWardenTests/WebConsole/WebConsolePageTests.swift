import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SIPWarden
import SecurityEvents
import Testing

/// Every console page renders for an admin, with the headers that keep a browser safe.
@Suite("Web console pages")
struct WebConsolePageTests {
    static let pages = [
        "/dashboard", "/accounts", "/devices", "/dids", "/providers", "/routes", "/rates", "/cdrs", "/reports/calls", "/reports/online",
        "/reports/security", "/reports/cost", "/bans", "/allow", "/countries", "/fraud", "/actions", "/users", "/apikeys", "/devices/new",
        "/accounts/new",
    ]

    static func expectSafeHeaders(_ response: TestResponse, _ uri: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let policy = response.headers[.contentSecurityPolicy] ?? ""
        #expect(policy.contains("default-src 'none'"), "\(uri)", sourceLocation: sourceLocation)
        #expect(policy.contains("frame-ancestors 'none'"), "\(uri)", sourceLocation: sourceLocation)
        #expect(!policy.contains("unsafe-inline"), "\(uri)", sourceLocation: sourceLocation)
        #expect(!policy.contains("unsafe-eval"), "\(uri)", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(uri)", sourceLocation: sourceLocation)
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)", sourceLocation: sourceLocation)
    }

    @Test("every page renders once for an admin: 200, HTML, and the CSP, frame and sniffing headers")
    func everyPageRenders() async throws {
        let fixture = try WebConsoleFixture()
        try fixture.addDevice("bob", account: "acme", callerID: "Bob")
        try fixture.addCall(account: "acme")
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            for uri in Self.pages {
                let response = try await client.execute(uri: uri, method: .get, headers: alice.headers)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri)")
                #expect(String(buffer: response.body).contains("<html"), "\(uri)")
                Self.expectSafeHeaders(response, uri)
            }
            #expect(fixture.events(.webProbe).isEmpty)
            #expect(try fixture.refusals().isEmpty)
        }
    }

    @Test("the login page and the cookies: HttpOnly, SameSite=Strict, Path=/; no Secure without TLS")
    func cookieAttributes() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let login = try await client.execute(uri: "/login", method: .get)
            Self.expectSafeHeaders(login, "/login")
            let form = try #require(WebConsoleFixture.setCookie(named: "sipwarden_form", in: login))
            let session = try await fixture.login(client, "alice")
            for header in [form, session.setCookie] {
                let attributes = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(attributes.contains("HttpOnly"), "\(header)")
                #expect(attributes.contains("SameSite=Strict"), "\(header)")
                #expect(attributes.contains("Path=/"), "\(header)")
                #expect(!attributes.contains("Secure"), "\(header)")
            }
        }
    }

    @Test("a DID (a key with +) is deleted by following the list's links: the encoded key in the path is decoded")
    func deleteThroughTheLinks() async throws {
        let fixture = try WebConsoleFixture()
        try fixture.addDevice("bob", account: "acme")
        _ = try DIDCommands(session: fixture.management()).add(number: "+442071234567", device: "bob")
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            let list = String(buffer: try await client.execute(uri: "/dids", method: .get, headers: alice.headers).body)
            let link = "/dids/%2B442071234567/delete"
            #expect(list.contains("href=\"\(link)\""))
            let confirm = try await client.execute(uri: link, method: .get, headers: alice.headers)
            #expect(confirm.status == .ok)
            let page = String(buffer: confirm.body)
            #expect(page.contains("Delete DID +442071234567?"))
            #expect(page.contains("action=\"\(link)\""))
            let done = try await client.execute(
                uri: link, method: .post, headers: [.cookie: alice.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: WebConsoleFixture.form(["_csrf": alice.csrf]))
            #expect(done.status == .ok)
            #expect(String(buffer: done.body).contains("flash-ok"))
            #expect(try fixture.database.dids().isEmpty)
        }
    }

    @Test("a page without a session goes to the login page")
    func pagesNeedALogin() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let response = try await client.execute(uri: "/devices", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=%2Fdevices")
            let forged = try await client.execute(uri: "/devices", method: .get, headers: [.cookie: "sipwarden_session=forged"])
            #expect(forged.status == .seeOther)
        }
    }

    @Test("an unknown URL: 404 problem and a web_probe event")
    func unknownURL() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let response = try await client.execute(uri: "/wp-login.php", method: .get, headers: [.userAgent: "scanner/1.0"])
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: response.body).contains("there is nothing at this address"))
            Self.expectSafeHeaders(response, "/wp-login.php")
            let events = fixture.events(.webProbe)
            #expect(events.count == 1)
            #expect(events.first?.source.ip == "127.0.0.1")
            #expect(events.first?.packet.requestURI == "/wp-login.php")
            #expect(events.first?.packet.userAgent == "scanner/1.0")
        }
    }
}

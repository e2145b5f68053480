import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SecurityEvents
import Storage
import Testing

/// Logging in to the web console: passwords, the wait after failures, the form token, and
/// the TOTP second factor with its recovery codes.
@Suite("Web console login")
struct WebConsoleLoginTests {
    @Test("a wrong password: 401 with an error on the page and a console_login_failure event")
    func wrongPassword() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let response = try await fixture.postPassword(client, "alice", password: "Not-The-Password-1!")
            #expect(response.status == .unauthorized)
            #expect(WebConsoleFixture.setCookie(named: "sipwarden_session", in: response) == nil)
            #expect(String(buffer: response.body).contains("id=\"login-error\""))
            #expect(String(buffer: response.body).contains("Wrong user name or password."))
            let events = fixture.events(.consoleLoginFailure)
            #expect(events.count == 1)
            #expect(events.first?.source.ip == "127.0.0.1")
        }
    }

    @Test("three failures from one address: the fourth try waits (429, Retry-After) even with the right password; 11 s later it works")
    func waitAfterThreeFailures() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            for attempt in 1...3 {
                let response = try await fixture.postPassword(client, "alice", password: "Wrong-Guess-\(attempt)!")
                #expect(response.status == .unauthorized)
                #expect(fixture.events(.consoleLoginFailure).count == 1, "attempt \(attempt)")
            }
            let waiting = try await fixture.postPassword(client, "alice")
            #expect(waiting.status == .tooManyRequests)
            let retryAfter = try #require(waiting.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter >= 1 && retryAfter <= 10)
            #expect(WebConsoleFixture.setCookie(named: "sipwarden_session", in: waiting) == nil)
            #expect(fixture.events(.consoleLoginFailure).count == 1, "a try during the wait is reported too")

            fixture.clock.advance(11)
            let session = try await fixture.login(client, "alice")
            #expect(!session.csrf.isEmpty)
            #expect(fixture.events(.consoleLoginFailure).isEmpty)
        }
    }

    @Test("a login POST without the form cookie or its token: 403, no session")
    func loginNeedsTheFormToken() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let password = WebConsoleFixture.passwords["alice"] ?? ""
            let form = try await fixture.loginForm(client)
            let attempts: [(HTTPFields, [String: String])] = [
                ([.contentType: "application/x-www-form-urlencoded"], ["_csrf": form.token, "username": "alice", "password": password]),
                ([.cookie: form.cookie, .contentType: "application/x-www-form-urlencoded"], ["username": "alice", "password": password]),
                ([.cookie: form.cookie, .contentType: "application/x-www-form-urlencoded"], ["_csrf": "wrong-token", "username": "alice", "password": password]),
            ]
            for (headers, values) in attempts {
                let response = try await client.execute(uri: "/login", method: .post, headers: headers, body: WebConsoleFixture.form(values))
                #expect(response.status == .forbidden)
                #expect(WebConsoleFixture.setCookie(named: "sipwarden_session", in: response) == nil)
            }
        }
    }

    @Test("TOTP: a wrong code is refused with 401; a used code is refused the second time")
    func totpCodes() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            _ = try await fixture.login(client, "alice")

            // Password accepted, wrong code.
            let first = try await fixture.postPassword(client, "alice")
            #expect(first.headers[.location] == "/login/code")
            let cookie = try #require(WebConsoleFixture.cookie(named: "sipwarden_session", in: first))
            let good = try fixture.totpCode(for: "alice", fresh: true)
            let wrong = String(good.map { $0 == "9" ? "0" : Character(String(($0.wholeNumberValue ?? 0) + 1)) })
            let refused = try await fixture.postCode(client, cookie: cookie, code: wrong)
            #expect(refused.status == .unauthorized)
            #expect(String(buffer: refused.body).contains("id=\"login-error\""))
            #expect(fixture.events(.consoleLoginFailure).count == 1)
            // The session is still only half logged in.
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).status == .seeOther)

            // The right code, then the same code again (same step) in a second login.
            let accepted = try await fixture.postCode(client, cookie: cookie, code: good)
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers[.location] == "/dashboard")
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).status == .ok)

            let second = try await fixture.postPassword(client, "alice")
            let secondCookie = try #require(WebConsoleFixture.cookie(named: "sipwarden_session", in: second))
            let replay = try await fixture.postCode(client, cookie: secondCookie, code: good)
            #expect(replay.status == .unauthorized)
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: secondCookie]).status == .seeOther)

            // The next step's code works.
            let next = try await fixture.postCode(client, cookie: secondCookie, code: try fixture.totpCode(for: "alice", fresh: true))
            #expect(next.status == .seeOther)
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: secondCookie]).status == .ok)
        }
    }

    @Test("after enrolment, staff continue to the dashboard and a customer to its own page, which it may open")
    func enrolmentContinues() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            #expect(alice.continueHref == "/dashboard")
            let carl = try await fixture.login(client, "carl")
            #expect(carl.continueHref == "/my")
            let page = try await client.execute(uri: carl.continueHref ?? "", method: .get, headers: carl.headers)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("Account acme"))
            #expect(try fixture.refusals().isEmpty)
        }
    }

    @Test("a recovery code logs in once, not twice")
    func recoveryCodes() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let enrolled = try await fixture.login(client, "olga")
            let code = try #require(enrolled.recoveryCodes.first)
            #expect(code.count == 14)

            let first = try await fixture.postPassword(client, "olga")
            let cookie = try #require(WebConsoleFixture.cookie(named: "sipwarden_session", in: first))
            let used = try await fixture.postCode(client, cookie: cookie, code: code)
            #expect(used.status == .seeOther)
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).status == .ok)
            let user = try #require(try fixture.database.consoleUser(named: "olga"))
            #expect(user.recoveryCodes.count == 9)
            #expect(user.totpConfirmed)
            #expect(user.lastLoginSource == "127.0.0.1")
            #expect(user.lastLoginAt.map { abs($0.timeIntervalSince(fixture.clock.now)) < 1 } == true)

            let second = try await fixture.postPassword(client, "olga")
            let secondCookie = try #require(WebConsoleFixture.cookie(named: "sipwarden_session", in: second))
            let again = try await fixture.postCode(client, cookie: secondCookie, code: code)
            #expect(again.status == .unauthorized)
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: secondCookie]).status == .seeOther)
            // Another recovery code still works.
            let other = try await fixture.postCode(client, cookie: secondCookie, code: enrolled.recoveryCodes[1].uppercased())
            #expect(other.status == .seeOther)
        }
    }
}

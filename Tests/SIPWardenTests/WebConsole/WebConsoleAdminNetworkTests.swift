import Foundation
import Guard
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SecurityEvents
import Storage
import Testing
@testable import SIPWarden

/// `console.admin_networks` and the per-user lockout: no answer tells a right password from
/// a wrong one, and admin sessions and keys are held to the networks on every request.
@Suite("Web console: admin networks and per-user lockout")
struct WebConsoleAdminNetworkTests {
    /// The test client connects from 127.0.0.1: outside this.
    static func elsewhere(_ configuration: inout ServerConfiguration) {
        configuration.console.adminNetworks = [try! GuardNetwork(parsing: "10.0.0.0/8")]
    }

    @Test("an admin from outside console.admin_networks gets the answer of a wrong password, right password or not, and the refusal is logged; an operator logs in")
    func noPasswordOracle() async throws {
        let fixture = try WebConsoleFixture(configure: Self.elsewhere)
        try await fixture.app().test(.live) { client in
            let right = try await fixture.postPassword(client, "alice")
            fixture.clock.advance(11)
            let wrong = try await fixture.postPassword(client, "alice", password: "Not-The-Password-1!")
            fixture.clock.advance(11)
            let nobody = try await fixture.postPassword(client, "nobody-here", password: "Not-The-Password-1!")
            for response in [right, wrong, nobody] {
                #expect(response.status == .unauthorized)
                #expect(WebConsoleFixture.setCookie(named: "sipwarden_session", in: response) == nil)
                #expect(WebConsoleFixture.element(id: "login-error", in: String(buffer: response.body))?.hasPrefix("Wrong user name or password.") == true)
            }
            let refusals = try fixture.database.actionLog(from: nil, to: nil, limit: 50).filter { $0.action == "console.login.refused" }
            #expect(refusals.count == 2 && refusals.allSatisfy(\.hackingAttempt))
            fixture.clock.advance(11)
            let operatorSession = try await fixture.login(client, "olga")
            #expect(!operatorSession.csrf.isEmpty)
        }
    }

    @Test("an admin session and an admin API key made from inside are refused from outside on every request")
    func everyRequest() async throws {
        let fixture = try WebConsoleFixture()
        let key = try fixture.apiKey("ops-script", role: "admin")
        let session = try await fixture.app().test(.live) { client in
            let session = try await fixture.login(client, "alice")
            #expect(try await client.execute(uri: "/api/v1/devices", method: .get, headers: [.authorization: "Bearer \(key)"]).status == .ok)
            return session
        }
        let cookie = session.cookie
        try await fixture.app(configure: Self.elsewhere).test(.live) { client in
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .forbidden)
            let api = try await client.execute(uri: "/api/v1/devices", method: .get, headers: [.authorization: "Bearer \(key)"])
            #expect(api.status == .forbidden)
            let refusals = try fixture.database.actionLog(from: nil, to: nil, limit: 50).filter { $0.hackingAttempt && $0.reason == "admin access from outside console.admin_networks" }
            #expect(refusals.count == 2)
        }
    }

    @Test("ten failures for one user name, whoever sends them, lock that name for 15 minutes — a name that exists or not alike — except from where it logged in before")
    func userLockout() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            for name in ["olga", "no-such-user"] {
                for attempt in 1...10 {
                    // Past the per-address wait each time: the lockout counts the name, not the address.
                    fixture.clock.advance(11)
                    #expect(try await fixture.postPassword(client, name, password: "Wrong-Guess-\(attempt)!").status == .unauthorized)
                }
                fixture.clock.advance(11)
                let locked = try await fixture.postPassword(client, name)
                #expect(locked.status == .tooManyRequests, "\(name)")
                #expect(String(buffer: locked.body).contains("Too many failed logins for this user"))
                #expect(locked.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 800 && $0 <= 900 } == true)
            }
            fixture.clock.advance(15 * 60)
            let session = try await fixture.login(client, "olga")
            #expect(!session.csrf.isEmpty)
        }
    }
}

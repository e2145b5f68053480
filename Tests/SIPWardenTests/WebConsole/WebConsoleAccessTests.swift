import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SecurityEvents
import Storage
import Testing

/// CSRF tokens on forms, and roles: what an operator and a customer may not do, each refusal
/// logged as a hacking attempt and reported to the Guard.
@Suite("Web console access")
struct WebConsoleAccessTests {
    static func newDevice(_ username: String, csrf: String?) -> ByteBuffer {
        var values = ["username": username, "password": WebConsoleFixture.devicePassword, "account": "acme"]
        if let csrf { values["_csrf"] = csrf }
        return WebConsoleFixture.form(values)
    }

    static func formHeaders(_ session: WebSession) -> HTTPFields {
        [.cookie: session.cookie, .contentType: "application/x-www-form-urlencoded"]
    }

    @Test("POST /devices without the CSRF token or with a wrong one: 403 and nothing created; with the session's token: created")
    func devicesFormNeedsTheToken() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            let missing = try await client.execute(uri: "/devices", method: .post, headers: Self.formHeaders(alice), body: Self.newDevice("bob", csrf: nil))
            #expect(missing.status == .forbidden)
            let wrong = try await client.execute(
                uri: "/devices", method: .post, headers: Self.formHeaders(alice), body: Self.newDevice("bob", csrf: String(alice.csrf.reversed())))
            #expect(wrong.status == .forbidden)
            // Another session's token does not do either.
            let olga = try await fixture.login(client, "olga")
            let foreign = try await client.execute(uri: "/devices", method: .post, headers: Self.formHeaders(alice), body: Self.newDevice("bob", csrf: olga.csrf))
            #expect(foreign.status == .forbidden)
            #expect(try fixture.database.device(username: "bob") == nil)

            let created = try await client.execute(uri: "/devices", method: .post, headers: Self.formHeaders(alice), body: Self.newDevice("bob", csrf: alice.csrf))
            #expect(created.status == .ok)
            #expect(String(buffer: created.body).contains("added device bob"))
            let device = try #require(try fixture.database.device(username: "bob"))
            #expect(device.accountId == (try fixture.accountId("acme")))
            let listed = try await client.execute(uri: "/api/v1/devices", method: .get, headers: alice.headers)
            let items = try WebConsoleFixture.object(listed)["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["username"] as? String } == ["bob"])
        }
    }

    @Test("an operator POSTing /devices with its own token: 403, an access.refused hacking attempt and a web_probe event")
    func operatorCannotChange() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let olga = try await fixture.login(client, "olga")
            _ = fixture.queue.drain()
            let response = try await client.execute(uri: "/devices", method: .post, headers: Self.formHeaders(olga), body: Self.newDevice("bob", csrf: olga.csrf))
            #expect(response.status == .forbidden)
            #expect(try fixture.database.device(username: "bob") == nil)
            let refusals = try fixture.refusals()
            #expect(refusals.count == 1)
            #expect(refusals.first?.actor == "console:olga")
            #expect(refusals.first?.source == "127.0.0.1")
            #expect(refusals.first?.target == "POST /devices")
            #expect(fixture.events(.webProbe).count == 1)

            // An admin page: refused and logged too.
            let users = try await client.execute(uri: "/users", method: .get, headers: olga.headers)
            #expect(users.status == .forbidden)
            #expect(try fixture.refusals().count == 2)
            #expect(try fixture.refusals().contains { $0.target == "GET /users" })
            #expect(fixture.events(.webProbe).count == 1)

            // Reading is allowed.
            #expect(try await client.execute(uri: "/devices", method: .get, headers: olga.headers).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/devices", method: .get, headers: olga.headers).status == .ok)
        }
    }

    @Test("a customer sees its own devices and calls only; another account's call record: 403 and a hacking attempt")
    func customerSeesItsOwn() async throws {
        let fixture = try WebConsoleFixture()
        try fixture.addDevice("carl-desk", account: "acme")
        try fixture.addDevice("gina-desk", account: "globex")
        let own = try fixture.addCall(account: "acme", callID: "own-call")
        let foreign = try fixture.addCall(account: "globex", callID: "foreign-call")
        try await fixture.app().test(.live) { client in
            let carl = try await fixture.login(client, "carl")

            let page = String(buffer: try await client.execute(uri: "/devices", method: .get, headers: carl.headers).body)
            #expect(page.contains("carl-desk"))
            #expect(!page.contains("gina-desk"))
            let api = try await client.execute(uri: "/api/v1/devices", method: .get, headers: carl.headers)
            #expect(api.status == .ok)
            let devices = try WebConsoleFixture.object(api)
            #expect((devices["items"] as? [[String: Any]])?.map { $0["username"] as? String } == ["carl-desk"])
            #expect(devices["total"] as? Int == 1)
            let calls = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/cdrs", method: .get, headers: carl.headers))
            #expect((calls["items"] as? [[String: Any]])?.count == 1)
            let list = String(buffer: try await client.execute(uri: "/cdrs", method: .get, headers: carl.headers).body)
            #expect(list.contains("/cdrs/\(own)\""))
            #expect(!list.contains("/cdrs/\(foreign)\""))
            #expect(try await client.execute(uri: "/cdrs/\(own)", method: .get, headers: carl.headers).status == .ok)
            #expect(try fixture.refusals().isEmpty)

            _ = fixture.queue.drain()
            let refused = try await client.execute(uri: "/cdrs/\(foreign)", method: .get, headers: carl.headers)
            #expect(refused.status == .forbidden)
            #expect(!String(buffer: refused.body).contains("foreign-call"))
            let refusals = try fixture.refusals()
            #expect(refusals.count == 1)
            #expect(refusals.first?.actor == "console:carl")
            #expect(refusals.first?.target == "call record \(foreign)")
            #expect(fixture.events(.webProbe).count == 1)
            #expect(try await client.execute(uri: "/api/v1/cdrs/\(foreign)", method: .get, headers: carl.headers).status == .forbidden)
            #expect(try await client.execute(uri: "/devices/gina-desk", method: .get, headers: carl.headers).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/devices/gina-desk", method: .get, headers: carl.headers).status == .forbidden)
            #expect(try fixture.refusals().count == 4)
            // Staff pages are not a customer's either.
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: carl.headers).status == .forbidden)
        }
    }

    @Test("a change by session cookie through the API needs X-CSRF-Token")
    func apiWritesByCookieNeedTheToken() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            let body = try WebConsoleFixture.json(["username": "bob", "password": WebConsoleFixture.devicePassword])
            let without = try await client.execute(
                uri: "/api/v1/devices", method: .post, headers: [.cookie: alice.cookie, .contentType: "application/json"], body: body)
            #expect(without.status == .forbidden)
            #expect(try fixture.database.device(username: "bob") == nil)
            let with = try await client.execute(
                uri: "/api/v1/devices", method: .post,
                headers: [.cookie: alice.cookie, .contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: alice.csrf], body: body)
            #expect(with.status == .created)
            #expect(try fixture.database.device(username: "bob") != nil)
        }
    }

    @Test("changes made in the console are logged under the console user, not as the command line")
    func changesAreAttributedToTheUser() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            let allow = try await client.execute(
                uri: "/allow", method: .post, headers: Self.formHeaders(alice),
                body: WebConsoleFixture.form(["_csrf": alice.csrf, "network": "198.51.100.0/24", "note": "office"]))
            #expect(allow.status == .ok)
            #expect(try fixture.database.allowedNetworks().first?.createdBy == "console:alice")
            let key = try await client.execute(
                uri: "/apikeys", method: .post, headers: Self.formHeaders(alice),
                body: WebConsoleFixture.form(["_csrf": alice.csrf, "name": "monitoring", "role": "operator"]))
            #expect(key.status == .ok)
            let entry = try #require(try fixture.database.actionLog(from: nil, to: nil, limit: 100).first { $0.action == "apikey.add" && $0.target == "API key monitoring" })
            #expect(entry.actor == "console:alice")
            #expect(entry.source == "127.0.0.1")
        }
    }
}

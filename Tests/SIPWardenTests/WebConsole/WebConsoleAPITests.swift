import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SIPWarden
import SecurityEvents
import Storage
import Testing

/// The JSON API under /api/v1: API keys, roles, the managed resources' create, change and
/// delete, and pages of lists.
@Suite("Web console API")
struct WebConsoleAPITests {
    static func bearer(_ key: String, json: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    @Test("no key: 401 problem+json; a wrong key: 401 and an api_key_failure event")
    func keysAreChecked() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let none = try await client.execute(uri: "/api/v1/devices", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.contentType] == "application/problem+json")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let problem = try WebConsoleFixture.object(none)
            #expect(problem["status"] as? Int == 401)
            #expect((problem["type"] as? String)?.hasSuffix("/unauthorized") == true)
            #expect(fixture.events(.apiKeyFailure).isEmpty)

            let wrong = try await client.execute(uri: "/api/v1/devices", method: .get, headers: Self.bearer("sw_not-a-key"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.contentType] == "application/problem+json")
            let events = fixture.events(.apiKeyFailure)
            #expect(events.count == 1)
            #expect(events.first?.source.ip == "127.0.0.1")
        }
    }

    @Test("an operator key reads; its POST is refused with 403 and logged as a hacking attempt")
    func operatorKeyReadsOnly() async throws {
        let fixture = try WebConsoleFixture()
        let key = try fixture.apiKey("monitoring", role: "operator")
        try fixture.addDevice("carl-desk", account: "acme")
        try await fixture.app().test(.live) { client in
            let list = try await client.execute(uri: "/api/v1/devices", method: .get, headers: Self.bearer(key))
            #expect(list.status == .ok)
            #expect((try WebConsoleFixture.object(list)["items"] as? [[String: Any]])?.count == 1)
            let me = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/me", method: .get, headers: Self.bearer(key)))
            #expect(me["role"] as? String == "operator")
            #expect(me["via"] as? String == "api-key")

            let post = try await client.execute(
                uri: "/api/v1/devices", method: .post, headers: Self.bearer(key, json: true),
                body: try WebConsoleFixture.json(["username": "bob", "password": WebConsoleFixture.devicePassword]))
            #expect(post.status == .forbidden)
            #expect(post.headers[.contentType] == "application/problem+json")
            #expect(try fixture.database.device(username: "bob") == nil)
            let refusals = try fixture.refusals()
            #expect(refusals.count == 1)
            #expect(refusals.first?.actor == "api:monitoring")
            #expect(refusals.first?.target == "POST /api/v1/devices")
            #expect(fixture.events(.webProbe).count == 1)
            #expect(try await client.execute(uri: "/api/v1/users", method: .get, headers: Self.bearer(key)).status == .forbidden)
            #expect(try fixture.refusals().count == 2)
        }
    }

    @Test("an admin key creates (201), changes and deletes (204) a device")
    func adminKeyChanges() async throws {
        let fixture = try WebConsoleFixture()
        let key = try fixture.apiKey("provisioning", role: "admin")
        try await fixture.app().test(.live) { client in
            let created = try await client.execute(
                uri: "/api/v1/devices", method: .post, headers: Self.bearer(key, json: true),
                body: try WebConsoleFixture.json(["username": "bob", "password": WebConsoleFixture.devicePassword]))
            #expect(created.status == .created)
            #expect((try WebConsoleFixture.object(created)["result"] as? String)?.contains("bob") == true)
            let device = try #require(try fixture.database.device(username: "bob"))
            #expect(device.callerID == nil)
            // Without an account, a new one named after the device.
            #expect(try fixture.database.account(id: device.accountId)?.name == "bob")

            let again = try await client.execute(
                uri: "/api/v1/devices", method: .post, headers: Self.bearer(key, json: true),
                body: try WebConsoleFixture.json(["username": "bob", "password": WebConsoleFixture.devicePassword]))
            #expect(again.status == .conflict)

            let changed = try await client.execute(
                uri: "/api/v1/devices/bob", method: .patch, headers: Self.bearer(key, json: true),
                body: try WebConsoleFixture.json(["callerID": "Bob Smith", "maxCalls": 3]))
            #expect(changed.status == .ok)
            #expect(try fixture.database.device(username: "bob")?.callerID == "Bob Smith")
            #expect(try fixture.database.device(username: "bob")?.maxConcurrentCalls == 3)
            let shown = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/devices/bob", method: .get, headers: Self.bearer(key)))
            #expect(shown["callerID"] as? String == "Bob Smith")

            let bad = try await client.execute(uri: "/api/v1/devices/bob", method: .patch, headers: Self.bearer(key, json: true), body: ByteBuffer(string: "[1,2]"))
            #expect(bad.status == .badRequest)

            let deleted = try await client.execute(uri: "/api/v1/devices/bob", method: .delete, headers: Self.bearer(key))
            #expect(deleted.status == .noContent)
            #expect(try fixture.database.device(username: "bob") == nil)
            let gone = try await client.execute(uri: "/api/v1/devices/bob", method: .delete, headers: Self.bearer(key))
            #expect(gone.status == .notFound)
            #expect(!String(buffer: gone.body).contains("there is nothing at this address"))
        }
    }

    @Test("lists come in pages: {items, total, offset, limit}; a limit of 0 is a 400 problem")
    func pagination() async throws {
        let fixture = try WebConsoleFixture()
        let key = try fixture.apiKey("monitoring", role: "operator")
        for name in ["initech", "umbrella"] {
            _ = try AccountCommands(session: fixture.management()).add(name: name, changes: .init())
        }
        try await fixture.app().test(.live) { client in
            let all = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/accounts", method: .get, headers: Self.bearer(key)))
            let names = (all["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(names.count == 4)
            #expect(all["total"] as? Int == 4)
            #expect(all["offset"] as? Int == 0)
            #expect(all["limit"] as? Int == 50)

            let page = try await client.execute(uri: "/api/v1/accounts?limit=1&offset=1", method: .get, headers: Self.bearer(key))
            #expect(page.status == .ok)
            let object = try WebConsoleFixture.object(page)
            let items = try #require(object["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["name"] as? String == names[1])
            #expect(object["total"] as? Int == 4)
            #expect(object["offset"] as? Int == 1)
            #expect(object["limit"] as? Int == 1)

            let beyond = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/accounts?offset=10", method: .get, headers: Self.bearer(key)))
            #expect((beyond["items"] as? [Any])?.isEmpty == true)
            #expect(beyond["total"] as? Int == 4)

            for query in ["limit=0", "limit=501", "limit=x", "offset=-1"] {
                let refused = try await client.execute(uri: "/api/v1/accounts?\(query)", method: .get, headers: Self.bearer(key))
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.headers[.contentType] == "application/problem+json", "\(query)")
            }
            // Call records page in the database.
            for index in 0..<3 { try fixture.addCall(account: "acme", callID: "call-\(index)") }
            let calls = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/cdrs?limit=1&offset=1", method: .get, headers: Self.bearer(key)))
            #expect((calls["items"] as? [Any])?.count == 1)
            #expect(calls["total"] as? Int == 3)
            #expect(calls["offset"] as? Int == 1)
            #expect(calls["limit"] as? Int == 1)
            #expect(try await client.execute(uri: "/api/v1/cdrs?limit=0", method: .get, headers: Self.bearer(key)).status == .badRequest)
        }
    }
}

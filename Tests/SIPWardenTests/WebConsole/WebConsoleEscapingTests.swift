import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

/// What callers send (User-Agent, display names, headers) and what is typed into fields is
/// shown as text: escaped in pages, `\u003c`-escaped in JSON.
@Suite("Web console escaping")
struct WebConsoleEscapingTests {
    static let script = "<script>alert(1)</script>"
    static let image = "\"><img src=x onerror=alert(1)>"
    static let callerID = "'\"><script>x</script>"
    static let raw = ["<script>alert(1)", "<img src=x", "<script>x", "onerror=alert(1)>"]

    @Test("hostile User-Agent, display name, caller ID, ban reason and action log text: escaped in every page and API answer")
    func hostileTextIsEscaped() async throws {
        let fixture = try WebConsoleFixture()
        let now = fixture.clock.now
        try fixture.addDevice("bob", account: "acme", callerID: Self.callerID)
        let id = try fixture.addCall(account: "acme", callerName: Self.image, userAgent: Self.script)
        let evidence = BanEvidence(
            time: now.addingTimeInterval(-70), kind: "auth_failure", weight: 1, source: "udp:203.0.113.9:5060", username: Self.image,
            method: "REGISTER", requestURI: "sip:bob@example.com", from: Self.image, to: "<sip:bob@example.com>", callID: "probe-1", userAgent: Self.script)
        _ = try fixture.database.insert([
            Ban(network: "203.0.113.9/32", jail: "sip-auth", reason: Self.script, evidence: [evidence], startedAt: now.addingTimeInterval(-60), expiresAt: nil, createdBy: "guard"),
        ])
        _ = try fixture.database.insert(ActionLogEntry(at: now.addingTimeInterval(-30), actor: "guard", source: "203.0.113.9", action: "guard.ban", target: Self.script, reason: Self.image))

        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            // Each page, and what its escaped form must show.
            let pages: [(String, [String])] = [
                ("/cdrs", ["&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"]),
                ("/cdrs/\(id)", ["&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"]),
                ("/dashboard", ["&lt;script&gt;alert(1)&lt;/script&gt;"]),
                ("/devices", ["&#39;&quot;&gt;&lt;script&gt;x&lt;/script&gt;"]),
                ("/devices/bob", ["&#39;&quot;&gt;&lt;script&gt;x&lt;/script&gt;"]),
                ("/devices/bob/edit", ["&#39;&quot;&gt;&lt;script&gt;x&lt;/script&gt;"]),
                ("/actions", ["&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"]),
                ("/bans", ["&lt;script&gt;alert(1)&lt;/script&gt;"]),
                ("/bans/explain?target=203.0.113.9", ["&lt;script&gt;alert(1)"]),
            ]
            for (uri, escaped) in pages {
                let response = try await client.execute(uri: uri, method: .get, headers: alice.headers)
                #expect(response.status == .ok, "\(uri)")
                let html = String(buffer: response.body)
                for text in Self.raw {
                    #expect(!html.contains(text), "\(uri) contains \(text)")
                }
                for text in escaped {
                    #expect(html.contains(text), "\(uri) lacks \(text)")
                }
                // The one script tag: the console's own.
                #expect(html.components(separatedBy: "<script").count == 2, "\(uri)")
                #expect(html.contains("<script src=\"/static/app.js\" defer></script>"), "\(uri)")
            }
            let api: [(String, String)] = [
                ("/api/v1/cdrs", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
                ("/api/v1/cdrs/\(id)", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
                ("/api/v1/devices", "\\u003cscript\\u003ex\\u003c/script\\u003e"),
                ("/api/v1/devices/bob", "\\u003cscript\\u003ex\\u003c/script\\u003e"),
                ("/api/v1/actions", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
                ("/api/v1/bans", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
                ("/api/v1/bans/explain?target=203.0.113.9", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
            ]
            for (uri, escaped) in api {
                let response = try await client.execute(uri: uri, method: .get, headers: alice.headers)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(uri)")
                let json = String(buffer: response.body)
                #expect(!json.contains("<"), "\(uri) contains <")
                #expect(!json.contains(">"), "\(uri) contains >")
                #expect(json.contains(escaped), "\(uri) lacks \(escaped)")
                // Still the same text once decoded.
                #expect((try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) != nil, "\(uri)")
            }
            let record = try WebConsoleFixture.object(try await client.execute(uri: "/api/v1/cdrs/\(id)", method: .get, headers: alice.headers))
            #expect(record["userAgent"] as? String == Self.script)
        }
    }

    @Test("a hostile search or filter value is escaped where the page shows it back")
    func reflectedQueryIsEscaped() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let alice = try await fixture.login(client, "alice")
            let query = "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            for uri in ["/cdrs?q=\(query)", "/devices?q=\(query)", "/actions?from=\(query)", "/bans/explain?target=\(query)", "/login?next=\(query)"] {
                let response = try await client.execute(uri: uri, method: .get, headers: alice.headers)
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>alert(1)"), "\(uri)")
            }
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SIPWarden
import Storage
import Testing

/// The OpenAPI document describes the API that is there: every operation it lists is
/// called, with an admin key, against a running console.
@Suite("Web console OpenAPI")
struct WebConsoleOpenAPITests {
    /// A minimal valid body for each operation that takes one (one not listed is sent `{}`,
    /// and fails the test unless it creates something from nothing).
    static var bodies: [String: [String: Any]] {
        [
            "post /api/v1/bans": ["target": "192.0.2.99", "duration": "1h", "reason": "test"],
            "post /api/v1/allow": ["network": "192.0.2.128/25", "note": "test"],
            "post /api/v1/accounts": ["name": "newco"],
            "patch /api/v1/accounts/{key}": ["maxCalls": 5],
            "post /api/v1/devices": ["username": "newdev", "password": WebConsoleFixture.devicePassword, "account": "acme"],
            "patch /api/v1/devices/{key}": ["callerID": "Bob"],
            "post /api/v1/dids": ["number": "+442070000000", "device": "bob"],
            "post /api/v1/providers": ["name": "backup", "hosts": ["192.0.2.60"]],
            "patch /api/v1/providers/{key}": ["port": 5_080],
            "post /api/v1/routes": ["prefix": "+33", "provider": "carrier"],
            "post /api/v1/rates": ["prefix": "+33", "price": "0.0200"],
        ]
    }

    @Test("GET /api/v1/openapi.json: OpenAPI 3.1.0 with every operation of the table, the event stream included")
    func document() async throws {
        let fixture = try WebConsoleFixture()
        try await fixture.app().test(.live) { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let document = try WebConsoleFixture.object(response)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for operation in OpenAPIRoutes.operations {
                #expect(paths[operation.path]?[operation.method] != nil, "\(operation.method) \(operation.path)")
            }
            #expect(paths["/api/v1/events"]?["get"] != nil)
            #expect(OpenAPIRoutes.operations.count == paths.values.map(\.count).reduce(0, +))
        }
    }

    @Test("every documented operation answers with an admin key: no 404 for a missing route, no 405")
    func everyOperationExists() async throws {
        let fixture = try WebConsoleFixture()
        let key = try fixture.apiKey("provisioning", role: "admin")
        let session = fixture.management()
        try fixture.addDevice("bob", account: "acme")
        _ = try DIDCommands(session: session).add(number: "+442071234567", device: "bob")
        _ = try ProviderCommands(session: session).add(name: "carrier", settings: ProviderSettings(hosts: ["192.0.2.50"]), password: nil)
        _ = try RouteCommands(session: session).add(prefix: "+44", provider: "carrier", priority: nil, strip: nil, add: nil)
        _ = try RateCommands(session: session).add(prefix: "+44", pricing: .init(price: "0.0150"), account: nil)
        _ = try BanCommands(session: session).add("203.0.113.9", duration: "1h", reason: "test")
        _ = try AllowCommands(session: session).add("198.51.100.0/24", note: "office")
        let rate = try #require(try fixture.database.rates(accountId: nil).first?.id)
        let call = try fixture.addCall(account: "acme")
        // Path parameters as a client sends them: percent-encoded path segments.
        let keys: [String: String] = [
            "accounts": "globex", "devices": "bob", "dids": "%2B442071234567", "providers": "carrier", "routes": "%2B44~carrier", "rates": "\(rate)",
        ]

        func uri(_ operation: OpenAPIRoutes.Operation) -> String {
            var path = operation.path
                .replacingOccurrences(of: "{id}", with: "\(call)")
                .replacingOccurrences(of: "{target}", with: "203.0.113.9")
                .replacingOccurrences(of: "{network}", with: "198.51.100.0%2F24")
            if path.contains("{key}") {
                let resource = path.split(separator: "/")[2]
                path = path.replacingOccurrences(of: "{key}", with: keys[String(resource)] ?? "")
            }
            if operation.path == "/api/v1/bans/explain" { path += "?target=203.0.113.9" }
            return path
        }

        // Deletions last, the most dependent first, so that every other call finds its data.
        let operations = OpenAPIRoutes.operations.filter { $0.path != "/api/v1/events" }
        let ordered = (operations.filter { $0.method != "delete" } + operations.filter { $0.method == "delete" }.reversed()).map { ($0, uri($0)) }
        #expect(operations.count == OpenAPIRoutes.operations.count - 1)

        try await fixture.app().test(.live) { client in
            for (operation, target) in ordered {
                let label = "\(operation.method) \(operation.path)"
                var headers: HTTPFields = [.authorization: "Bearer \(key)"]
                var body: ByteBuffer?
                if operation.body {
                    headers[.contentType] = "application/json"
                    body = try WebConsoleFixture.json(Self.bodies["\(operation.method) \(operation.path)"] ?? [:])
                }
                let response = try await client.execute(uri: target, method: HTTPRequest.Method(operation.method.uppercased())!, headers: headers, body: body)
                let text = String(buffer: response.body)
                #expect(response.status != .methodNotAllowed, "\(label): 405")
                #expect(
                    !(response.status == .notFound && text.contains("there is nothing at this address")), "\(label): no such route (\(target))")
                switch operation.method {
                case "get":
                    #expect(response.status == .ok, "\(label) → \(response.status.code) \(text)")
                case "post":
                    #expect(response.status == .created, "\(label) → \(response.status.code) \(text)")
                case "patch":
                    #expect(response.status == .ok, "\(label) → \(response.status.code) \(text)")
                default:
                    #expect(response.status == .noContent, "\(label) \(target) → \(response.status.code) \(text)")
                }
            }
            // What the deletions removed is gone.
            #expect(try fixture.database.device(username: "bob") == nil)
            #expect(try fixture.database.allowedNetworks().map(\.network) == ["192.0.2.128/25"])
            #expect(try fixture.database.rates(accountId: nil).contains { $0.id == rate } == false)
        }
    }
}

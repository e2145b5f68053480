import AsyncHTTPClient
import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import SecurityEvents
import Storage
import Synchronization
import Testing

/// The live event channel served by the HTTP app (`ConsoleApplication.buildApplication`),
/// on a live loopback port: who may open it, and that it carries what is published, as
/// Server-Sent Events and over a WebSocket, filtered by type.
@Suite("Event channel")
struct EventChannelTests {
    struct Fixture {
        let dependencies: ConsoleDependencies
        let queue: SecurityEventQueue
        let key: String
    }

    static func fixture(allows: Bool = true) throws -> Fixture {
        let database = try AppDatabase.inMemory()
        let key = APIKeyCheck.makeKey()
        _ = try database.insert(APIKey(name: "monitoring", role: .operator_, keyHash: APIKeyCheck.hash(key), createdAt: Date()))
        let queue = SecurityEventQueue()
        let dependencies = ConsoleDependencies(
            database: database, hub: EventHub(), securityEvents: queue, eventChannelAllows: { _ in allows }, keepAlive: .seconds(30),
            logger: Logger(label: "test"))
        return Fixture(dependencies: dependencies, queue: queue, key: key)
    }

    static func app(_ fixture: Fixture) throws -> some ApplicationProtocol {
        try ConsoleApplication.buildApplication(fixture.dependencies, host: "127.0.0.1", port: 0)
    }

    @Test("no key: 401 with a problem document and no security event; a wrong key: 401 and an api_key_failure event")
    func refusesWithoutAValidKey() async throws {
        let fixture = try Self.fixture()
        try await Self.app(fixture).test(.live) { client in
            try await client.execute(uri: "/api/v1/events", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(String(buffer: response.body).contains("\"status\":401"))
            }
            #expect(fixture.queue.drain().events.isEmpty)
            try await client.execute(uri: "/api/v1/events", method: .get, headers: [.authorization: "Bearer sw_wrong", .userAgent: "<script>x</script>"]) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.xContentTypeOptions] == "nosniff")
            }
            let events = fixture.queue.drain().events
            #expect(events.map(\.kind) == [.apiKeyFailure])
            #expect(events.first?.source.ip == "127.0.0.1")
            #expect(events.first?.packet.userAgent == "<script>x</script>")
        }
    }

    @Test("a valid key from a network not allowed: 403")
    func refusesOtherNetworks() async throws {
        let fixture = try Self.fixture(allows: false)
        try await Self.app(fixture).test(.live) { client in
            try await client.execute(uri: "/api/v1/events", method: .get, headers: [.authorization: "Bearer \(fixture.key)"]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("a malformed type filter: 400")
    func refusesBadFilters() async throws {
        let fixture = try Self.fixture()
        try await Self.app(fixture).test(.live) { client in
            try await client.execute(uri: "/api/v1/events?types=call%3Cscript%3E", method: .get, headers: [.authorization: "Bearer \(fixture.key)"]) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test("Server-Sent Events: an authorised client gets the events its filter takes, as published")
    func streamsServerSentEvents() async throws {
        let fixture = try Self.fixture()
        let hub = fixture.dependencies.hub
        try await Self.app(fixture).test(.live) { client in
            let port = try #require(client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/events?types=call,guard.ban")
            request.headers.add(name: "Authorization", value: "Bearer \(fixture.key)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
            let publisher = Task {
                // Until the subscription is in place, events have nobody to reach: publish
                // a few times (bounded).
                for _ in 0..<100 where !Task.isCancelled {
                    hub.publish(ServerEvent(type: "registration.update", time: Date(), fields: [:]))
                    hub.publish(ServerEvent(type: "call.start", time: Date(), fields: ["user_agent": .text("<script>alert(1)</script>")]))
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer { publisher.cancel() }
            var text = ""
            for try await buffer in response.body {
                text += String(buffer: buffer)
                if text.contains("data: ") && text.contains("\n\n") && text.contains("call.start") { break }
            }
            #expect(text.hasPrefix(": sipwarden event stream"))
            #expect(text.contains("event: call.start\ndata: {"))
            #expect(text.contains("\\u003cscript\\u003e"))
            #expect(!text.contains("<script>"))
            #expect(!text.contains("registration.update"))
        }
    }

    @Test("WebSocket: an authorised client gets each event as a text message")
    func streamsOverWebSocket() async throws {
        let fixture = try Self.fixture()
        let hub = fixture.dependencies.hub
        try await Self.app(fixture).test(.live) { client in
            let port = try #require(client.port)
            let received = Mutex<String?>(nil)
            let publisher = Task {
                for _ in 0..<100 where !Task.isCancelled {
                    hub.publish(ServerEvent(type: "fraud.alert", time: Date(), fields: ["rule": .text("device-calls-per-minute")]))
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer { publisher.cancel() }
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.authorization] = "Bearer \(fixture.key)"
            try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/api/v1/events/ws?types=fraud", configuration: configuration, logger: Logger(label: "test")
            ) { inbound, outbound, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message {
                        received.withLock { $0 = text }
                        break
                    }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let text = try #require(received.withLock { $0 })
            #expect(text.contains("\"type\":\"fraud.alert\""))
            #expect(text.contains("\"rule\":\"device-calls-per-minute\""))
        }
    }

    @Test("a WebSocket upgrade with a wrong key is refused before the upgrade")
    func refusesWebSocketWithoutKey() async throws {
        let fixture = try Self.fixture()
        try await Self.app(fixture).test(.live) { client in
            let port = try #require(client.port)
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.authorization] = "Bearer sw_wrong"
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/api/v1/events/ws", configuration: configuration, logger: Logger(label: "test")
                ) { _, _, _ in }
            }
            #expect(fixture.queue.drain().events.map(\.kind) == [.apiKeyFailure])
        }
    }
}

@Suite("Server events")
struct ServerEventTests {
    @Test("a filter takes a type or its family, nothing else")
    func filters() {
        let event = ServerEvent(type: "guard.ban", json: "{}")
        #expect(event.matches(nil))
        #expect(event.matches(["guard"]))
        #expect(event.matches(["guard.ban"]))
        #expect(!event.matches(["guard.unban", "call"]))
        #expect(!event.matches(["gua"]))
    }

    @Test("JSON: sorted keys, escaped quotes, controls and HTML characters")
    func encodes() {
        let event = ServerEvent(
            type: "call.start", time: Date(timeIntervalSince1970: 1_790_000_000.5),
            fields: ["user_agent": .text("\"<b>\u{1}&\n"), "count": .number(3), "ok": .bool(true), "none": .null])
        #expect(event.json == #"{"count":3,"none":null,"ok":true,"time":"2026-09-21T14:13:20.500Z","type":"call.start","user_agent":"\"\u003cb\u003e\u0001\u0026\n"}"#)
    }

    @Test("a subscriber that goes away is forgotten; with nobody listening, nothing is built")
    func hubLifecycle() async {
        let hub = EventHub()
        #expect(!hub.isWatched)
        var built = false
        hub.publish { built = true; return ServerEvent(type: "x", json: "{}") }
        #expect(!built)
        let task = Task {
            for await _ in hub.subscribe(filter: ["call"]) { break }
        }
        while !hub.isWatched { await Task.yield() }
        hub.publish(ServerEvent(type: "guard.ban", json: "{}"))
        hub.publish(ServerEvent(type: "call.end", json: "{}"))
        await task.value
        #expect(hub.subscriberCount == 0)
    }
}
